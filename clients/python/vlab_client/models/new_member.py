from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define

from ..models.new_member_role import NewMemberRole

T = TypeVar("T", bound="NewMember")


@_attrs_define
class NewMember:
    """
    Attributes:
        role (NewMemberRole): `teacher` or `student`.
        username (str):
    """

    role: NewMemberRole
    username: str

    def to_dict(self) -> dict[str, Any]:
        role = self.role.value

        username = self.username

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "role": role,
                "username": username,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        role = NewMemberRole(d.pop("role"))

        username = d.pop("username")

        new_member = cls(
            role=role,
            username=username,
        )

        return new_member
