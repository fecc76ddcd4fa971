from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.operation_view_status import OperationViewStatus
from ..types import UNSET, Unset

T = TypeVar("T", bound="OperationView")


@_attrs_define
class OperationView:
    """A long-running piece of work.

    Attributes:
        created_at (str):
        id (int):
        kind (str):
        progress (int):
        status (OperationViewStatus): pending, running, succeeded, failed or cancelled.
        target_id (int):
        target_kind (str):
        updated_at (str):
        error (None | str | Unset):
        finished_at (None | str | Unset):
        requested_by (int | None | Unset):
    """

    created_at: str
    id: int
    kind: str
    progress: int
    status: OperationViewStatus
    target_id: int
    target_kind: str
    updated_at: str
    error: None | str | Unset = UNSET
    finished_at: None | str | Unset = UNSET
    requested_by: int | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        created_at = self.created_at

        id = self.id

        kind = self.kind

        progress = self.progress

        status = self.status.value

        target_id = self.target_id

        target_kind = self.target_kind

        updated_at = self.updated_at

        error: None | str | Unset
        if isinstance(self.error, Unset):
            error = UNSET
        else:
            error = self.error

        finished_at: None | str | Unset
        if isinstance(self.finished_at, Unset):
            finished_at = UNSET
        else:
            finished_at = self.finished_at

        requested_by: int | None | Unset
        if isinstance(self.requested_by, Unset):
            requested_by = UNSET
        else:
            requested_by = self.requested_by

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "created_at": created_at,
                "id": id,
                "kind": kind,
                "progress": progress,
                "status": status,
                "target_id": target_id,
                "target_kind": target_kind,
                "updated_at": updated_at,
            }
        )
        if error is not UNSET:
            field_dict["error"] = error
        if finished_at is not UNSET:
            field_dict["finished_at"] = finished_at
        if requested_by is not UNSET:
            field_dict["requested_by"] = requested_by

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        created_at = d.pop("created_at")

        id = d.pop("id")

        kind = d.pop("kind")

        progress = d.pop("progress")

        status = OperationViewStatus(d.pop("status"))

        target_id = d.pop("target_id")

        target_kind = d.pop("target_kind")

        updated_at = d.pop("updated_at")

        def _parse_error(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        error = _parse_error(d.pop("error", UNSET))

        def _parse_finished_at(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        finished_at = _parse_finished_at(d.pop("finished_at", UNSET))

        def _parse_requested_by(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        requested_by = _parse_requested_by(d.pop("requested_by", UNSET))

        operation_view = cls(
            created_at=created_at,
            id=id,
            kind=kind,
            progress=progress,
            status=status,
            target_id=target_id,
            target_kind=target_kind,
            updated_at=updated_at,
            error=error,
            finished_at=finished_at,
            requested_by=requested_by,
        )

        operation_view.additional_properties = d
        return operation_view

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
