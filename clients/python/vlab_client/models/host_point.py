from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="HostPoint")


@_attrs_define
class HostPoint:
    """
    Attributes:
        at (str): The step's start (RFC 3339).
        cpu_percent (float): Busy share of all cores, averaged over the step.
        load_1m (float):
        memory_used_bytes (int):
        running_vms (int):
    """

    at: str
    cpu_percent: float
    load_1m: float
    memory_used_bytes: int
    running_vms: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        at = self.at

        cpu_percent = self.cpu_percent

        load_1m = self.load_1m

        memory_used_bytes = self.memory_used_bytes

        running_vms = self.running_vms

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "at": at,
                "cpu_percent": cpu_percent,
                "load_1m": load_1m,
                "memory_used_bytes": memory_used_bytes,
                "running_vms": running_vms,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        at = d.pop("at")

        cpu_percent = d.pop("cpu_percent")

        load_1m = d.pop("load_1m")

        memory_used_bytes = d.pop("memory_used_bytes")

        running_vms = d.pop("running_vms")

        host_point = cls(
            at=at,
            cpu_percent=cpu_percent,
            load_1m=load_1m,
            memory_used_bytes=memory_used_bytes,
            running_vms=running_vms,
        )

        host_point.additional_properties = d
        return host_point

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
