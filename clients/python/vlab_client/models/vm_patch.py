from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="VmPatch")


@_attrs_define
class VmPatch:
    """Changes to a VM's configuration. Applied at the next start when running.

    Attributes:
        boot_order (None | str | Unset):
        cpus (int | None | Unset):
        description (None | str | Unset):
        memory_mib (int | None | Unset):
        name (None | str | Unset):
        outbound (bool | None | Unset): For a lab VM only the lab's teachers change this.
    """

    boot_order: None | str | Unset = UNSET
    cpus: int | None | Unset = UNSET
    description: None | str | Unset = UNSET
    memory_mib: int | None | Unset = UNSET
    name: None | str | Unset = UNSET
    outbound: bool | None | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        boot_order: None | str | Unset
        if isinstance(self.boot_order, Unset):
            boot_order = UNSET
        else:
            boot_order = self.boot_order

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

        memory_mib: int | None | Unset
        if isinstance(self.memory_mib, Unset):
            memory_mib = UNSET
        else:
            memory_mib = self.memory_mib

        name: None | str | Unset
        if isinstance(self.name, Unset):
            name = UNSET
        else:
            name = self.name

        outbound: bool | None | Unset
        if isinstance(self.outbound, Unset):
            outbound = UNSET
        else:
            outbound = self.outbound

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if boot_order is not UNSET:
            field_dict["boot_order"] = boot_order
        if cpus is not UNSET:
            field_dict["cpus"] = cpus
        if description is not UNSET:
            field_dict["description"] = description
        if memory_mib is not UNSET:
            field_dict["memory_mib"] = memory_mib
        if name is not UNSET:
            field_dict["name"] = name
        if outbound is not UNSET:
            field_dict["outbound"] = outbound

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)

        def _parse_boot_order(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        boot_order = _parse_boot_order(d.pop("boot_order", UNSET))

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

        def _parse_memory_mib(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        memory_mib = _parse_memory_mib(d.pop("memory_mib", UNSET))

        def _parse_name(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        name = _parse_name(d.pop("name", UNSET))

        def _parse_outbound(data: object) -> bool | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(bool | None | Unset, data)

        outbound = _parse_outbound(d.pop("outbound", UNSET))

        vm_patch = cls(
            boot_order=boot_order,
            cpus=cpus,
            description=description,
            memory_mib=memory_mib,
            name=name,
            outbound=outbound,
        )

        return vm_patch
