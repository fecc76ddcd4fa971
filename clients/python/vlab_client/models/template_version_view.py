from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="TemplateVersionView")


@_attrs_define
class TemplateVersionView:
    """
    Attributes:
        created_at (str):
        id (int):
        note (str):
        received_bytes (int):
        size_bytes (int):
        status (str): `uploading` or `ready`.
        template_id (int):
        version (int):
    """

    created_at: str
    id: int
    note: str
    received_bytes: int
    size_bytes: int
    status: str
    template_id: int
    version: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        created_at = self.created_at

        id = self.id

        note = self.note

        received_bytes = self.received_bytes

        size_bytes = self.size_bytes

        status = self.status

        template_id = self.template_id

        version = self.version

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "created_at": created_at,
                "id": id,
                "note": note,
                "received_bytes": received_bytes,
                "size_bytes": size_bytes,
                "status": status,
                "template_id": template_id,
                "version": version,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        created_at = d.pop("created_at")

        id = d.pop("id")

        note = d.pop("note")

        received_bytes = d.pop("received_bytes")

        size_bytes = d.pop("size_bytes")

        status = d.pop("status")

        template_id = d.pop("template_id")

        version = d.pop("version")

        template_version_view = cls(
            created_at=created_at,
            id=id,
            note=note,
            received_bytes=received_bytes,
            size_bytes=size_bytes,
            status=status,
            template_id=template_id,
            version=version,
        )

        template_version_view.additional_properties = d
        return template_version_view

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
