from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="HostCapacity")


@_attrs_define
class HostCapacity:
    """
    Attributes:
        allowed_memory_mib (int): What they may hold together: RAM x `host_memory_ratio`.
        cores (int):
        host_memory_ratio (float):
        running_memory_mib (int): Memory of those VMs.
        running_vcpus (int): vCPUs of VMs with a QEMU process on this node.
    """

    allowed_memory_mib: int
    cores: int
    host_memory_ratio: float
    running_memory_mib: int
    running_vcpus: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        allowed_memory_mib = self.allowed_memory_mib

        cores = self.cores

        host_memory_ratio = self.host_memory_ratio

        running_memory_mib = self.running_memory_mib

        running_vcpus = self.running_vcpus

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "allowed_memory_mib": allowed_memory_mib,
                "cores": cores,
                "host_memory_ratio": host_memory_ratio,
                "running_memory_mib": running_memory_mib,
                "running_vcpus": running_vcpus,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        allowed_memory_mib = d.pop("allowed_memory_mib")

        cores = d.pop("cores")

        host_memory_ratio = d.pop("host_memory_ratio")

        running_memory_mib = d.pop("running_memory_mib")

        running_vcpus = d.pop("running_vcpus")

        host_capacity = cls(
            allowed_memory_mib=allowed_memory_mib,
            cores=cores,
            host_memory_ratio=host_memory_ratio,
            running_memory_mib=running_memory_mib,
            running_vcpus=running_vcpus,
        )

        host_capacity.additional_properties = d
        return host_capacity

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
