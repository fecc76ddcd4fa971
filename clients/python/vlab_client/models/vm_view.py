from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.disk_bus import DiskBus
from ..models.network_mode import NetworkMode
from ..models.vm_state import VmState
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.port_forward_view import PortForwardView


T = TypeVar("T", bound="VmView")


@_attrs_define
class VmView:
    """A virtual machine.

    Attributes:
        boot_order (str): QEMU boot order letters: c disk, d CD-ROM, n network.
        cpus (int):
        created_at (str):
        description (str):
        disk_bus (DiskBus): How a VM's disks are attached.
        disk_ids (list[int]): Attached disks, in boot order.
        id (int):
        memory_mib (int):
        name (str):
        needs_restart (bool): The stored configuration differs from the running one.
        network (NetworkMode): How a VM reaches the network.
        outbound (bool): With user-mode networking: the guest may open connections to other
            hosts (never to vlab's own host).
        owner (str):
        owner_id (int):
        port_forwards (list[PortForwardView]):
        state (VmState): Where a VM is in its life.
        updated_at (str):
        uuid (str):
        iso_id (int | None | Unset): The ISO in the CD-ROM drive.
        kernel (None | str | Unset):
        lab_id (int | None | Unset): The lab this VM was handed out for, if any.
        node_id (int | None | Unset): The node (host) its disks and QEMU live on.
        state_reason (None | str | Unset): Why the VM is in its state, e.g. how it crashed.
    """

    boot_order: str
    cpus: int
    created_at: str
    description: str
    disk_bus: DiskBus
    disk_ids: list[int]
    id: int
    memory_mib: int
    name: str
    needs_restart: bool
    network: NetworkMode
    outbound: bool
    owner: str
    owner_id: int
    port_forwards: list[PortForwardView]
    state: VmState
    updated_at: str
    uuid: str
    iso_id: int | None | Unset = UNSET
    kernel: None | str | Unset = UNSET
    lab_id: int | None | Unset = UNSET
    node_id: int | None | Unset = UNSET
    state_reason: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        boot_order = self.boot_order

        cpus = self.cpus

        created_at = self.created_at

        description = self.description

        disk_bus = self.disk_bus.value

        disk_ids = self.disk_ids

        id = self.id

        memory_mib = self.memory_mib

        name = self.name

        needs_restart = self.needs_restart

        network = self.network.value

        outbound = self.outbound

        owner = self.owner

        owner_id = self.owner_id

        port_forwards = []
        for port_forwards_item_data in self.port_forwards:
            port_forwards_item = port_forwards_item_data.to_dict()
            port_forwards.append(port_forwards_item)

        state = self.state.value

        updated_at = self.updated_at

        uuid = self.uuid

        iso_id: int | None | Unset
        if isinstance(self.iso_id, Unset):
            iso_id = UNSET
        else:
            iso_id = self.iso_id

        kernel: None | str | Unset
        if isinstance(self.kernel, Unset):
            kernel = UNSET
        else:
            kernel = self.kernel

        lab_id: int | None | Unset
        if isinstance(self.lab_id, Unset):
            lab_id = UNSET
        else:
            lab_id = self.lab_id

        node_id: int | None | Unset
        if isinstance(self.node_id, Unset):
            node_id = UNSET
        else:
            node_id = self.node_id

        state_reason: None | str | Unset
        if isinstance(self.state_reason, Unset):
            state_reason = UNSET
        else:
            state_reason = self.state_reason

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "boot_order": boot_order,
                "cpus": cpus,
                "created_at": created_at,
                "description": description,
                "disk_bus": disk_bus,
                "disk_ids": disk_ids,
                "id": id,
                "memory_mib": memory_mib,
                "name": name,
                "needs_restart": needs_restart,
                "network": network,
                "outbound": outbound,
                "owner": owner,
                "owner_id": owner_id,
                "port_forwards": port_forwards,
                "state": state,
                "updated_at": updated_at,
                "uuid": uuid,
            }
        )
        if iso_id is not UNSET:
            field_dict["iso_id"] = iso_id
        if kernel is not UNSET:
            field_dict["kernel"] = kernel
        if lab_id is not UNSET:
            field_dict["lab_id"] = lab_id
        if node_id is not UNSET:
            field_dict["node_id"] = node_id
        if state_reason is not UNSET:
            field_dict["state_reason"] = state_reason

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.port_forward_view import PortForwardView

        d = dict(src_dict)
        boot_order = d.pop("boot_order")

        cpus = d.pop("cpus")

        created_at = d.pop("created_at")

        description = d.pop("description")

        disk_bus = DiskBus(d.pop("disk_bus"))

        disk_ids = cast(list[int], d.pop("disk_ids"))

        id = d.pop("id")

        memory_mib = d.pop("memory_mib")

        name = d.pop("name")

        needs_restart = d.pop("needs_restart")

        network = NetworkMode(d.pop("network"))

        outbound = d.pop("outbound")

        owner = d.pop("owner")

        owner_id = d.pop("owner_id")

        port_forwards = []
        _port_forwards = d.pop("port_forwards")
        for port_forwards_item_data in _port_forwards:
            port_forwards_item = PortForwardView.from_dict(port_forwards_item_data)

            port_forwards.append(port_forwards_item)

        state = VmState(d.pop("state"))

        updated_at = d.pop("updated_at")

        uuid = d.pop("uuid")

        def _parse_iso_id(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        iso_id = _parse_iso_id(d.pop("iso_id", UNSET))

        def _parse_kernel(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        kernel = _parse_kernel(d.pop("kernel", UNSET))

        def _parse_lab_id(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        lab_id = _parse_lab_id(d.pop("lab_id", UNSET))

        def _parse_node_id(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        node_id = _parse_node_id(d.pop("node_id", UNSET))

        def _parse_state_reason(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        state_reason = _parse_state_reason(d.pop("state_reason", UNSET))

        vm_view = cls(
            boot_order=boot_order,
            cpus=cpus,
            created_at=created_at,
            description=description,
            disk_bus=disk_bus,
            disk_ids=disk_ids,
            id=id,
            memory_mib=memory_mib,
            name=name,
            needs_restart=needs_restart,
            network=network,
            outbound=outbound,
            owner=owner,
            owner_id=owner_id,
            port_forwards=port_forwards,
            state=state,
            updated_at=updated_at,
            uuid=uuid,
            iso_id=iso_id,
            kernel=kernel,
            lab_id=lab_id,
            node_id=node_id,
            state_reason=state_reason,
        )

        vm_view.additional_properties = d
        return vm_view

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
