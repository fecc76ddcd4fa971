from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="DiskAttach")


@_attrs_define
class DiskAttach:
    """Attach a disk to a (stopped) VM.

    Attributes:
        vm_id (int):
    """

    vm_id: int

    def to_dict(self) -> dict[str, Any]:
        vm_id = self.vm_id

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "vm_id": vm_id,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        vm_id = d.pop("vm_id")

        disk_attach = cls(
            vm_id=vm_id,
        )

        return disk_attach
