from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define

from ..models.disk_bus import DiskBus
from ..models.network_mode import NetworkMode
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.new_port_forward import NewPortForward


T = TypeVar("T", bound="NewVm")


@_attrs_define
class NewVm:
    """Input for creating a VM.

    Attributes:
        name (str):
        boot_order (None | str | Unset):
        bridge (None | str | Unset): With `network: bridge`: one of the bridges the admin configured.
        cpus (int | None | Unset):
        description (None | str | Unset):
        disk_bus (DiskBus | None | Unset):
        iso_id (int | None | Unset): An ISO from the library for the CD-ROM drive.
        kernel (None | str | Unset): A kernel bundle from the kernels pool (direct kernel boot).
        memory_mib (int | None | Unset):
        network (NetworkMode | None | Unset):
        node_id (int | None | Unset): Admins: the node to make it on. Otherwise vlab picks the enabled,
            online node with the most free memory.
        outbound (bool | None | Unset): User-mode networking: may the guest reach other hosts (default true)?
        owner_id (int | None | Unset): Admins and teachers may create a VM for someone else.
        port_forwards (list[NewPortForward] | Unset):
    """

    name: str
    boot_order: None | str | Unset = UNSET
    bridge: None | str | Unset = UNSET
    cpus: int | None | Unset = UNSET
    description: None | str | Unset = UNSET
    disk_bus: DiskBus | None | Unset = UNSET
    iso_id: int | None | Unset = UNSET
    kernel: None | str | Unset = UNSET
    memory_mib: int | None | Unset = UNSET
    network: NetworkMode | None | Unset = UNSET
    node_id: int | None | Unset = UNSET
    outbound: bool | None | Unset = UNSET
    owner_id: int | None | Unset = UNSET
    port_forwards: list[NewPortForward] | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        name = self.name

        boot_order: None | str | Unset
        if isinstance(self.boot_order, Unset):
            boot_order = UNSET
        else:
            boot_order = self.boot_order

        bridge: None | str | Unset
        if isinstance(self.bridge, Unset):
            bridge = UNSET
        else:
            bridge = self.bridge

        cpus: int | None | Unset
        if isinstance(self.cpus, Unset):
            cpus = UNSET
        else:
            cpus = self.cpus

        description: None | str | Unset
        if isinstance(self.description, Unset):
            description = UNSET
        else:
            description = self.description

        disk_bus: None | str | Unset
        if isinstance(self.disk_bus, Unset):
            disk_bus = UNSET
        elif isinstance(self.disk_bus, DiskBus):
            disk_bus = self.disk_bus.value
        else:
            disk_bus = self.disk_bus

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

        memory_mib: int | None | Unset
        if isinstance(self.memory_mib, Unset):
            memory_mib = UNSET
        else:
            memory_mib = self.memory_mib

        network: None | str | Unset
        if isinstance(self.network, Unset):
            network = UNSET
        elif isinstance(self.network, NetworkMode):
            network = self.network.value
        else:
            network = self.network

        node_id: int | None | Unset
        if isinstance(self.node_id, Unset):
            node_id = UNSET
        else:
            node_id = self.node_id

        outbound: bool | None | Unset
        if isinstance(self.outbound, Unset):
            outbound = UNSET
        else:
            outbound = self.outbound

        owner_id: int | None | Unset
        if isinstance(self.owner_id, Unset):
            owner_id = UNSET
        else:
            owner_id = self.owner_id

        port_forwards: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.port_forwards, Unset):
            port_forwards = []
            for port_forwards_item_data in self.port_forwards:
                port_forwards_item = port_forwards_item_data.to_dict()
                port_forwards.append(port_forwards_item)

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "name": name,
            }
        )
        if boot_order is not UNSET:
            field_dict["boot_order"] = boot_order
        if bridge is not UNSET:
            field_dict["bridge"] = bridge
        if cpus is not UNSET:
            field_dict["cpus"] = cpus
        if description is not UNSET:
            field_dict["description"] = description
        if disk_bus is not UNSET:
            field_dict["disk_bus"] = disk_bus
        if iso_id is not UNSET:
            field_dict["iso_id"] = iso_id
        if kernel is not UNSET:
            field_dict["kernel"] = kernel
        if memory_mib is not UNSET:
            field_dict["memory_mib"] = memory_mib
        if network is not UNSET:
            field_dict["network"] = network
        if node_id is not UNSET:
            field_dict["node_id"] = node_id
        if outbound is not UNSET:
            field_dict["outbound"] = outbound
        if owner_id is not UNSET:
            field_dict["owner_id"] = owner_id
        if port_forwards is not UNSET:
            field_dict["port_forwards"] = port_forwards

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.new_port_forward import NewPortForward

        d = dict(src_dict)
        name = d.pop("name")

        def _parse_boot_order(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        boot_order = _parse_boot_order(d.pop("boot_order", UNSET))

        def _parse_bridge(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        bridge = _parse_bridge(d.pop("bridge", UNSET))

        def _parse_cpus(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        cpus = _parse_cpus(d.pop("cpus", UNSET))

        def _parse_description(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        description = _parse_description(d.pop("description", UNSET))

        def _parse_disk_bus(data: object) -> DiskBus | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                disk_bus_type_1 = DiskBus(data)

                return disk_bus_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(DiskBus | None | Unset, data)

        disk_bus = _parse_disk_bus(d.pop("disk_bus", UNSET))

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

        def _parse_memory_mib(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        memory_mib = _parse_memory_mib(d.pop("memory_mib", UNSET))

        def _parse_network(data: object) -> NetworkMode | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                network_type_1 = NetworkMode(data)

                return network_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(NetworkMode | None | Unset, data)

        network = _parse_network(d.pop("network", UNSET))

        def _parse_node_id(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        node_id = _parse_node_id(d.pop("node_id", UNSET))

        def _parse_outbound(data: object) -> bool | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(bool | None | Unset, data)

        outbound = _parse_outbound(d.pop("outbound", UNSET))

        def _parse_owner_id(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        owner_id = _parse_owner_id(d.pop("owner_id", UNSET))

        _port_forwards = d.pop("port_forwards", UNSET)
        port_forwards: list[NewPortForward] | Unset = UNSET
        if _port_forwards is not UNSET:
            port_forwards = []
            for port_forwards_item_data in _port_forwards:
                port_forwards_item = NewPortForward.from_dict(port_forwards_item_data)

                port_forwards.append(port_forwards_item)

        new_vm = cls(
            name=name,
            boot_order=boot_order,
            bridge=bridge,
            cpus=cpus,
            description=description,
            disk_bus=disk_bus,
            iso_id=iso_id,
            kernel=kernel,
            memory_mib=memory_mib,
            network=network,
            node_id=node_id,
            outbound=outbound,
            owner_id=owner_id,
            port_forwards=port_forwards,
        )

        return new_vm
