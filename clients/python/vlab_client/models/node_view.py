from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="NodeView")


@_attrs_define
class NodeView:
    """A host running vlab: what it has, and how it was at its last heartbeat.

    Attributes:
        accelerator (str): `kvm` or `tcg`.
        address (str): Where the other nodes reach it.
        cpus (int):
        enabled (bool): Whether it takes new VMs (a disabled node keeps its running ones).
        heartbeat_at (str):
        id (int):
        load (float): 1-minute load average.
        memory_free_mib (int):
        memory_mib (int):
        name (str):
        pool_bytes (int): Size and free space of its storage pools.
        pool_free_bytes (int):
        qemu_version (str):
        running_vms (int): VMs with a QEMU process.
        started_at (str):
        status (str): `online`, or `unreachable` when it has not heartbeated for a while.
        this_node (bool): The node answering this request.
        vlab_version (str):
        vms (int):
    """

    accelerator: str
    address: str
    cpus: int
    enabled: bool
    heartbeat_at: str
    id: int
    load: float
    memory_free_mib: int
    memory_mib: int
    name: str
    pool_bytes: int
    pool_free_bytes: int
    qemu_version: str
    running_vms: int
    started_at: str
    status: str
    this_node: bool
    vlab_version: str
    vms: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        accelerator = self.accelerator

        address = self.address

        cpus = self.cpus

        enabled = self.enabled

        heartbeat_at = self.heartbeat_at

        id = self.id

        load = self.load

        memory_free_mib = self.memory_free_mib

        memory_mib = self.memory_mib

        name = self.name

        pool_bytes = self.pool_bytes

        pool_free_bytes = self.pool_free_bytes

        qemu_version = self.qemu_version

        running_vms = self.running_vms

        started_at = self.started_at

        status = self.status

        this_node = self.this_node

        vlab_version = self.vlab_version

        vms = self.vms

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "accelerator": accelerator,
                "address": address,
                "cpus": cpus,
                "enabled": enabled,
                "heartbeat_at": heartbeat_at,
                "id": id,
                "load": load,
                "memory_free_mib": memory_free_mib,
                "memory_mib": memory_mib,
                "name": name,
                "pool_bytes": pool_bytes,
                "pool_free_bytes": pool_free_bytes,
                "qemu_version": qemu_version,
                "running_vms": running_vms,
                "started_at": started_at,
                "status": status,
                "this_node": this_node,
                "vlab_version": vlab_version,
                "vms": vms,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        accelerator = d.pop("accelerator")

        address = d.pop("address")

        cpus = d.pop("cpus")

        enabled = d.pop("enabled")

        heartbeat_at = d.pop("heartbeat_at")

        id = d.pop("id")

        load = d.pop("load")

        memory_free_mib = d.pop("memory_free_mib")

        memory_mib = d.pop("memory_mib")

        name = d.pop("name")

        pool_bytes = d.pop("pool_bytes")

        pool_free_bytes = d.pop("pool_free_bytes")

        qemu_version = d.pop("qemu_version")

        running_vms = d.pop("running_vms")

        started_at = d.pop("started_at")

        status = d.pop("status")

        this_node = d.pop("this_node")

        vlab_version = d.pop("vlab_version")

        vms = d.pop("vms")

        node_view = cls(
            accelerator=accelerator,
            address=address,
            cpus=cpus,
            enabled=enabled,
            heartbeat_at=heartbeat_at,
            id=id,
            load=load,
            memory_free_mib=memory_free_mib,
            memory_mib=memory_mib,
            name=name,
            pool_bytes=pool_bytes,
            pool_free_bytes=pool_free_bytes,
            qemu_version=qemu_version,
            running_vms=running_vms,
            started_at=started_at,
            status=status,
            this_node=this_node,
            vlab_version=vlab_version,
            vms=vms,
        )

        node_view.additional_properties = d
        return node_view

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
