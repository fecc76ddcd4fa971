from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define

from ..models.bulk_kind import BulkKind

T = TypeVar("T", bound="BulkAction")


@_attrs_define
class BulkAction:
    """
    Attributes:
        action (BulkKind): What a class wall does to the VMs it selects.
        vm_ids (list[int]):
    """

    action: BulkKind
    vm_ids: list[int]

    def to_dict(self) -> dict[str, Any]:
        action = self.action.value

        vm_ids = self.vm_ids

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "action": action,
                "vm_ids": vm_ids,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        action = BulkKind(d.pop("action"))

        vm_ids = cast(list[int], d.pop("vm_ids"))

        bulk_action = cls(
            action=action,
            vm_ids=vm_ids,
        )

        return bulk_action
