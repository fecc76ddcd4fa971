from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="NewDisk")


@_attrs_define
class NewDisk:
    """A new, empty disk.

    Attributes:
        name (str):
        size_mib (int):
        format_ (None | str | Unset): qcow2 (default), raw or vmdk.
        node_id (int | None | Unset): The node to make it on, e.g. the node of the VM it is for (default:
            the node answering).
    """

    name: str
    size_mib: int
    format_: None | str | Unset = UNSET
    node_id: int | None | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        name = self.name

        size_mib = self.size_mib

        format_: None | str | Unset
        if isinstance(self.format_, Unset):
            format_ = UNSET
        else:
            format_ = self.format_

        node_id: int | None | Unset
        if isinstance(self.node_id, Unset):
            node_id = UNSET
        else:
            node_id = self.node_id

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "name": name,
                "size_mib": size_mib,
            }
        )
        if format_ is not UNSET:
            field_dict["format"] = format_
        if node_id is not UNSET:
            field_dict["node_id"] = node_id

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        name = d.pop("name")

        size_mib = d.pop("size_mib")

        def _parse_format_(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        format_ = _parse_format_(d.pop("format", UNSET))

        def _parse_node_id(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        node_id = _parse_node_id(d.pop("node_id", UNSET))

        new_disk = cls(
            name=name,
            size_mib=size_mib,
            format_=format_,
            node_id=node_id,
        )

        return new_disk
