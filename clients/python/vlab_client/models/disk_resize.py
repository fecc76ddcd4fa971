from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="DiskResize")


@_attrs_define
class DiskResize:
    """Grow a disk.

    Attributes:
        size_mib (int):
    """

    size_mib: int

    def to_dict(self) -> dict[str, Any]:
        size_mib = self.size_mib

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "size_mib": size_mib,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        size_mib = d.pop("size_mib")

        disk_resize = cls(
            size_mib=size_mib,
        )

        return disk_resize
