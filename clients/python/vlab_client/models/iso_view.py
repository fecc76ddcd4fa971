from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.iso_view_status import IsoViewStatus
from ..types import UNSET, Unset

T = TypeVar("T", bound="IsoView")


@_attrs_define
class IsoView:
    """An ISO image in the library.

    Attributes:
        created_at (str):
        id (int):
        name (str):
        owner_id (int):
        received_bytes (int): How much has arrived; resume an upload from here.
        sha256 (str):
        size_bytes (int):
        status (IsoViewStatus): uploading or ready.
        demo (bool | Unset): The demo guest vlab put into a new library (an admin may delete it).
    """

    created_at: str
    id: int
    name: str
    owner_id: int
    received_bytes: int
    sha256: str
    size_bytes: int
    status: IsoViewStatus
    demo: bool | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        created_at = self.created_at

        id = self.id

        name = self.name

        owner_id = self.owner_id

        received_bytes = self.received_bytes

        sha256 = self.sha256

        size_bytes = self.size_bytes

        status = self.status.value

        demo = self.demo

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "created_at": created_at,
                "id": id,
                "name": name,
                "owner_id": owner_id,
                "received_bytes": received_bytes,
                "sha256": sha256,
                "size_bytes": size_bytes,
                "status": status,
            }
        )
        if demo is not UNSET:
            field_dict["demo"] = demo

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        created_at = d.pop("created_at")

        id = d.pop("id")

        name = d.pop("name")

        owner_id = d.pop("owner_id")

        received_bytes = d.pop("received_bytes")

        sha256 = d.pop("sha256")

        size_bytes = d.pop("size_bytes")

        status = IsoViewStatus(d.pop("status"))

        demo = d.pop("demo", UNSET)

        iso_view = cls(
            created_at=created_at,
            id=id,
            name=name,
            owner_id=owner_id,
            received_bytes=received_bytes,
            sha256=sha256,
            size_bytes=size_bytes,
            status=status,
            demo=demo,
        )

        iso_view.additional_properties = d
        return iso_view

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
