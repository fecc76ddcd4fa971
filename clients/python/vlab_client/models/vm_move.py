from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="VmMove")


@_attrs_define
class VmMove:
    """Move a stopped VM (its disks copied and checked) to another node.

    Attributes:
        node_id (int):
    """

    node_id: int

    def to_dict(self) -> dict[str, Any]:
        node_id = self.node_id

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "node_id": node_id,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        node_id = d.pop("node_id")

        vm_move = cls(
            node_id=node_id,
        )

        return vm_move
