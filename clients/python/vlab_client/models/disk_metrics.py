from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="DiskMetrics")


@_attrs_define
class DiskMetrics:
    """I/O of one disk since the VM started.

    Attributes:
        disk_id (int):
        read_bytes (int):
        read_ops (int):
        write_bytes (int):
        write_ops (int):
    """

    disk_id: int
    read_bytes: int
    read_ops: int
    write_bytes: int
    write_ops: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        disk_id = self.disk_id

        read_bytes = self.read_bytes

        read_ops = self.read_ops

        write_bytes = self.write_bytes

        write_ops = self.write_ops

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "disk_id": disk_id,
                "read_bytes": read_bytes,
                "read_ops": read_ops,
                "write_bytes": write_bytes,
                "write_ops": write_ops,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        disk_id = d.pop("disk_id")

        read_bytes = d.pop("read_bytes")

        read_ops = d.pop("read_ops")

        write_bytes = d.pop("write_bytes")

        write_ops = d.pop("write_ops")

        disk_metrics = cls(
            disk_id=disk_id,
            read_bytes=read_bytes,
            read_ops=read_ops,
            write_bytes=write_bytes,
            write_ops=write_ops,
        )

        disk_metrics.additional_properties = d
        return disk_metrics

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
