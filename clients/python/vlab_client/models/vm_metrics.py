from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.cpu_metrics import CpuMetrics
    from ..models.disk_metrics import DiskMetrics
    from ..models.memory_metrics import MemoryMetrics
    from ..models.network_metrics import NetworkMetrics


T = TypeVar("T", bound="VmMetrics")


@_attrs_define
class VmMetrics:
    """A VM's use of its host at one moment (`sampled_at`).

    Attributes:
        cpu (CpuMetrics): CPU time over the last moment, in percent of one host core.
        disks (list[DiskMetrics]): One entry per attached disk, in boot order.
        memory (MemoryMetrics):
        network (NetworkMetrics): Network traffic since the VM started, where its backend counts it.
        sampled_at (str): RFC 3339.
        uptime_secs (int): Seconds since its QEMU started.
        vm_id (int):
    """

    cpu: CpuMetrics
    disks: list[DiskMetrics]
    memory: MemoryMetrics
    network: NetworkMetrics
    sampled_at: str
    uptime_secs: int
    vm_id: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        cpu = self.cpu.to_dict()

        disks = []
        for disks_item_data in self.disks:
            disks_item = disks_item_data.to_dict()
            disks.append(disks_item)

        memory = self.memory.to_dict()

        network = self.network.to_dict()

        sampled_at = self.sampled_at

        uptime_secs = self.uptime_secs

        vm_id = self.vm_id

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "cpu": cpu,
                "disks": disks,
                "memory": memory,
                "network": network,
                "sampled_at": sampled_at,
                "uptime_secs": uptime_secs,
                "vm_id": vm_id,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.cpu_metrics import CpuMetrics
        from ..models.disk_metrics import DiskMetrics
        from ..models.memory_metrics import MemoryMetrics
        from ..models.network_metrics import NetworkMetrics

        d = dict(src_dict)
        cpu = CpuMetrics.from_dict(d.pop("cpu"))

        disks = []
        _disks = d.pop("disks")
        for disks_item_data in _disks:
            disks_item = DiskMetrics.from_dict(disks_item_data)

            disks.append(disks_item)

        memory = MemoryMetrics.from_dict(d.pop("memory"))

        network = NetworkMetrics.from_dict(d.pop("network"))

        sampled_at = d.pop("sampled_at")

        uptime_secs = d.pop("uptime_secs")

        vm_id = d.pop("vm_id")

        vm_metrics = cls(
            cpu=cpu,
            disks=disks,
            memory=memory,
            network=network,
            sampled_at=sampled_at,
            uptime_secs=uptime_secs,
            vm_id=vm_id,
        )

        vm_metrics.additional_properties = d
        return vm_metrics

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
