from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.disk_view_format import DiskViewFormat
from ..types import UNSET, Unset

T = TypeVar("T", bound="DiskView")


@_attrs_define
class DiskView:
    """A disk image in vlab's storage pool.

    Attributes:
        created_at (str):
        format_ (DiskViewFormat): qcow2, raw or vmdk.
        id (int):
        name (str):
        owner_id (int):
        virtual_size (int): Size the guest sees.
        actual_size (int | None | Unset): Space used on the host (from `qemu-img info`, when asked for one disk).
        node_id (int | None | Unset): The node (host) its file lives on.
        vm_id (int | None | Unset):
    """

    created_at: str
    format_: DiskViewFormat
    id: int
    name: str
    owner_id: int
    virtual_size: int
    actual_size: int | None | Unset = UNSET
    node_id: int | None | Unset = UNSET
    vm_id: int | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        created_at = self.created_at

        format_ = self.format_.value

        id = self.id

        name = self.name

        owner_id = self.owner_id

        virtual_size = self.virtual_size

        actual_size: int | None | Unset
        if isinstance(self.actual_size, Unset):
            actual_size = UNSET
        else:
            actual_size = self.actual_size

        node_id: int | None | Unset
        if isinstance(self.node_id, Unset):
            node_id = UNSET
        else:
            node_id = self.node_id

        vm_id: int | None | Unset
        if isinstance(self.vm_id, Unset):
            vm_id = UNSET
        else:
            vm_id = self.vm_id

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "created_at": created_at,
                "format": format_,
                "id": id,
                "name": name,
                "owner_id": owner_id,
                "virtual_size": virtual_size,
            }
        )
        if actual_size is not UNSET:
            field_dict["actual_size"] = actual_size
        if node_id is not UNSET:
            field_dict["node_id"] = node_id
        if vm_id is not UNSET:
            field_dict["vm_id"] = vm_id

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        created_at = d.pop("created_at")

        format_ = DiskViewFormat(d.pop("format"))

        id = d.pop("id")

        name = d.pop("name")

        owner_id = d.pop("owner_id")

        virtual_size = d.pop("virtual_size")

        def _parse_actual_size(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        actual_size = _parse_actual_size(d.pop("actual_size", UNSET))

        def _parse_node_id(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        node_id = _parse_node_id(d.pop("node_id", UNSET))

        def _parse_vm_id(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        vm_id = _parse_vm_id(d.pop("vm_id", UNSET))

        disk_view = cls(
            created_at=created_at,
            format_=format_,
            id=id,
            name=name,
            owner_id=owner_id,
            virtual_size=virtual_size,
            actual_size=actual_size,
            node_id=node_id,
            vm_id=vm_id,
        )

        disk_view.additional_properties = d
        return disk_view

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
