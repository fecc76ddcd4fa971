from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.member_view_role import MemberViewRole
from ..types import UNSET, Unset

T = TypeVar("T", bound="MemberView")


@_attrs_define
class MemberView:
    """A teacher or student of a course.

    Attributes:
        added_at (str):
        display_name (str):
        role (MemberViewRole): `teacher` or `student`.
        user_id (int):
        username (str):
        email (None | str | Unset):
    """

    added_at: str
    display_name: str
    role: MemberViewRole
    user_id: int
    username: str
    email: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        added_at = self.added_at

        display_name = self.display_name

        role = self.role.value

        user_id = self.user_id

        username = self.username

        email: None | str | Unset
        if isinstance(self.email, Unset):
            email = UNSET
        else:
            email = self.email

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "added_at": added_at,
                "display_name": display_name,
                "role": role,
                "user_id": user_id,
                "username": username,
            }
        )
        if email is not UNSET:
            field_dict["email"] = email

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        added_at = d.pop("added_at")

        display_name = d.pop("display_name")

        role = MemberViewRole(d.pop("role"))

        user_id = d.pop("user_id")

        username = d.pop("username")

        def _parse_email(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        email = _parse_email(d.pop("email", UNSET))

        member_view = cls(
            added_at=added_at,
            display_name=display_name,
            role=role,
            user_id=user_id,
            username=username,
            email=email,
        )

        member_view.additional_properties = d
        return member_view

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
