from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="CpuMetrics")


@_attrs_define
class CpuMetrics:
    """CPU time over the last moment, in percent of one host core.

    Attributes:
        process_percent (float): The whole QEMU process (vCPUs, device emulation, I/O threads).
        vcpu_percent (float): Its vCPU threads only: what the guest itself ran.
        vcpus (int): The VM's vCPUs (100% each at most).
    """

    process_percent: float
    vcpu_percent: float
    vcpus: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        process_percent = self.process_percent

        vcpu_percent = self.vcpu_percent

        vcpus = self.vcpus

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "process_percent": process_percent,
                "vcpu_percent": vcpu_percent,
                "vcpus": vcpus,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        process_percent = d.pop("process_percent")

        vcpu_percent = d.pop("vcpu_percent")

        vcpus = d.pop("vcpus")

        cpu_metrics = cls(
            process_percent=process_percent,
            vcpu_percent=vcpu_percent,
            vcpus=vcpus,
        )

        cpu_metrics.additional_properties = d
        return cpu_metrics

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
