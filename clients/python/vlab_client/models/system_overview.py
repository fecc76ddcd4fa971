from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="SystemOverview")


@_attrs_define
class SystemOverview:
    """What exists on this vlab and how it runs guests: the admin's home page.

    Attributes:
        accelerator (str): `kvm` or `tcg`.
        accelerator_reason (str): Why: the configuration, or what the KVM boot probe found.
        courses (int):
        isos (int): ISOs ready in the library.
        labs (int):
        running_vms (int): VMs with a QEMU process (starting, running or paused).
        users (int):
        vms (int):
        demo_iso_id (int | None | Unset): The demo guest's ISO, while it is in the library.
    """

    accelerator: str
    accelerator_reason: str
    courses: int
    isos: int
    labs: int
    running_vms: int
    users: int
    vms: int
    demo_iso_id: int | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        accelerator = self.accelerator

        accelerator_reason = self.accelerator_reason

        courses = self.courses

        isos = self.isos

        labs = self.labs

        running_vms = self.running_vms

        users = self.users

        vms = self.vms

        demo_iso_id: int | None | Unset
        if isinstance(self.demo_iso_id, Unset):
            demo_iso_id = UNSET
        else:
            demo_iso_id = self.demo_iso_id

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "accelerator": accelerator,
                "accelerator_reason": accelerator_reason,
                "courses": courses,
                "isos": isos,
                "labs": labs,
                "running_vms": running_vms,
                "users": users,
                "vms": vms,
            }
        )
        if demo_iso_id is not UNSET:
            field_dict["demo_iso_id"] = demo_iso_id

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        accelerator = d.pop("accelerator")

        accelerator_reason = d.pop("accelerator_reason")

        courses = d.pop("courses")

        isos = d.pop("isos")

        labs = d.pop("labs")

        running_vms = d.pop("running_vms")

        users = d.pop("users")

        vms = d.pop("vms")

        def _parse_demo_iso_id(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        demo_iso_id = _parse_demo_iso_id(d.pop("demo_iso_id", UNSET))

        system_overview = cls(
            accelerator=accelerator,
            accelerator_reason=accelerator_reason,
            courses=courses,
            isos=isos,
            labs=labs,
            running_vms=running_vms,
            users=users,
            vms=vms,
            demo_iso_id=demo_iso_id,
        )

        system_overview.additional_properties = d
        return system_overview

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
