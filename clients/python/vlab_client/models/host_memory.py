from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="HostMemory")


@_attrs_define
class HostMemory:
    """
    Attributes:
        available_bytes (int): What programs can still get without swapping (`MemAvailable`).
        total_bytes (int):
        used_bytes (int):
    """

    available_bytes: int
    total_bytes: int
    used_bytes: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        available_bytes = self.available_bytes

        total_bytes = self.total_bytes

        used_bytes = self.used_bytes

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "available_bytes": available_bytes,
                "total_bytes": total_bytes,
                "used_bytes": used_bytes,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        available_bytes = d.pop("available_bytes")

        total_bytes = d.pop("total_bytes")

        used_bytes = d.pop("used_bytes")

        host_memory = cls(
            available_bytes=available_bytes,
            total_bytes=total_bytes,
            used_bytes=used_bytes,
        )

        host_memory.additional_properties = d
        return host_memory

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
