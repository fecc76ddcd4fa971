from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="ResetRequest")


@_attrs_define
class ResetRequest:
    """Reset a VM to its lab's baseline.

    Attributes:
        confirm (bool): Must be true: the VM's disk is replaced.
    """

    confirm: bool

    def to_dict(self) -> dict[str, Any]:
        confirm = self.confirm

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "confirm": confirm,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        confirm = d.pop("confirm")

        reset_request = cls(
            confirm=confirm,
        )

        return reset_request
