from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="QuotaUsage")


@_attrs_define
class QuotaUsage:
    """
    Attributes:
        disk_mib (int):
        memory_mib (int):
        running_memory_mib (int):
        running_vcpus (int):
        running_vms (int):
        vcpus (int):
        vms (int):
    """

    disk_mib: int
    memory_mib: int
    running_memory_mib: int
    running_vcpus: int
    running_vms: int
    vcpus: int
    vms: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        disk_mib = self.disk_mib

        memory_mib = self.memory_mib

        running_memory_mib = self.running_memory_mib

        running_vcpus = self.running_vcpus

        running_vms = self.running_vms

        vcpus = self.vcpus

        vms = self.vms

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "disk_mib": disk_mib,
                "memory_mib": memory_mib,
                "running_memory_mib": running_memory_mib,
                "running_vcpus": running_vcpus,
                "running_vms": running_vms,
                "vcpus": vcpus,
                "vms": vms,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        disk_mib = d.pop("disk_mib")

        memory_mib = d.pop("memory_mib")

        running_memory_mib = d.pop("running_memory_mib")

        running_vcpus = d.pop("running_vcpus")

        running_vms = d.pop("running_vms")

        vcpus = d.pop("vcpus")

        vms = d.pop("vms")

        quota_usage = cls(
            disk_mib=disk_mib,
            memory_mib=memory_mib,
            running_memory_mib=running_memory_mib,
            running_vcpus=running_vcpus,
            running_vms=running_vms,
            vcpus=vcpus,
            vms=vms,
        )

        quota_usage.additional_properties = d
        return quota_usage

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
