from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.host_capacity import HostCapacity
    from ..models.host_cpu import HostCpu
    from ..models.host_memory import HostMemory
    from ..models.pool_space import PoolSpace
    from ..models.state_count import StateCount


T = TypeVar("T", bound="HostStatus")


@_attrs_define
class HostStatus:
    """How the host this node runs on is doing now (`GET /system/status`).

    Attributes:
        accelerator (str): `kvm` or `tcg`.
        accelerator_reason (str): Why: the configuration, or what the KVM boot probe found.
        capacity (HostCapacity):
        cpu (HostCpu):
        memory (HostMemory):
        node (str): The node that answered (`node_name`).
        pools (list[PoolSpace]): The filesystems of vlab's pools.
        qemu_version (str): `qemu-system-x86_64 --version`'s first line.
        sampled_at (str): When it was measured (RFC 3339).
        started_at (str): When this vlab process started (RFC 3339), and how long ago.
        uptime_secs (int):
        vlab_version (str):
        vms (list[StateCount]): This node's VMs in each state.
    """

    accelerator: str
    accelerator_reason: str
    capacity: HostCapacity
    cpu: HostCpu
    memory: HostMemory
    node: str
    pools: list[PoolSpace]
    qemu_version: str
    sampled_at: str
    started_at: str
    uptime_secs: int
    vlab_version: str
    vms: list[StateCount]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        accelerator = self.accelerator

        accelerator_reason = self.accelerator_reason

        capacity = self.capacity.to_dict()

        cpu = self.cpu.to_dict()

        memory = self.memory.to_dict()

        node = self.node

        pools = []
        for pools_item_data in self.pools:
            pools_item = pools_item_data.to_dict()
            pools.append(pools_item)

        qemu_version = self.qemu_version

        sampled_at = self.sampled_at

        started_at = self.started_at

        uptime_secs = self.uptime_secs

        vlab_version = self.vlab_version

        vms = []
        for vms_item_data in self.vms:
            vms_item = vms_item_data.to_dict()
            vms.append(vms_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "accelerator": accelerator,
                "accelerator_reason": accelerator_reason,
                "capacity": capacity,
                "cpu": cpu,
                "memory": memory,
                "node": node,
                "pools": pools,
                "qemu_version": qemu_version,
                "sampled_at": sampled_at,
                "started_at": started_at,
                "uptime_secs": uptime_secs,
                "vlab_version": vlab_version,
                "vms": vms,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.host_capacity import HostCapacity
        from ..models.host_cpu import HostCpu
        from ..models.host_memory import HostMemory
        from ..models.pool_space import PoolSpace
        from ..models.state_count import StateCount

        d = dict(src_dict)
        accelerator = d.pop("accelerator")

        accelerator_reason = d.pop("accelerator_reason")

        capacity = HostCapacity.from_dict(d.pop("capacity"))

        cpu = HostCpu.from_dict(d.pop("cpu"))

        memory = HostMemory.from_dict(d.pop("memory"))

        node = d.pop("node")

        pools = []
        _pools = d.pop("pools")
        for pools_item_data in _pools:
            pools_item = PoolSpace.from_dict(pools_item_data)

            pools.append(pools_item)

        qemu_version = d.pop("qemu_version")

        sampled_at = d.pop("sampled_at")

        started_at = d.pop("started_at")

        uptime_secs = d.pop("uptime_secs")

        vlab_version = d.pop("vlab_version")

        vms = []
        _vms = d.pop("vms")
        for vms_item_data in _vms:
            vms_item = StateCount.from_dict(vms_item_data)

            vms.append(vms_item)

        host_status = cls(
            accelerator=accelerator,
            accelerator_reason=accelerator_reason,
            capacity=capacity,
            cpu=cpu,
            memory=memory,
            node=node,
            pools=pools,
            qemu_version=qemu_version,
            sampled_at=sampled_at,
            started_at=started_at,
            uptime_secs=uptime_secs,
            vlab_version=vlab_version,
            vms=vms,
        )

        host_status.additional_properties = d
        return host_status

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
