from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.role import Role
from ..types import UNSET, Unset

T = TypeVar("T", bound="UserView")


@_attrs_define
class UserView:
    """A user as others see it. Never carries a password hash.

    Attributes:
        created_at (str): RFC 3339.
        display_name (str):
        id (int):
        role (Role): What a user may do. Closed: anything else is rejected at parse time.
        updated_at (str):
        username (str):
        email (None | str | Unset):
        must_change_password (bool | Unset): The account still has the one-time password it was made with: until
            it sets its own (`PUT /auth/password`) nothing else is allowed.
    """

    created_at: str
    display_name: str
    id: int
    role: Role
    updated_at: str
    username: str
    email: None | str | Unset = UNSET
    must_change_password: bool | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        created_at = self.created_at

        display_name = self.display_name

        id = self.id

        role = self.role.value

        updated_at = self.updated_at

        username = self.username

        email: None | str | Unset
        if isinstance(self.email, Unset):
            email = UNSET
        else:
            email = self.email

        must_change_password = self.must_change_password

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "created_at": created_at,
                "display_name": display_name,
                "id": id,
                "role": role,
                "updated_at": updated_at,
                "username": username,
            }
        )
        if email is not UNSET:
            field_dict["email"] = email
        if must_change_password is not UNSET:
            field_dict["must_change_password"] = must_change_password

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        created_at = d.pop("created_at")

        display_name = d.pop("display_name")

        id = d.pop("id")

        role = Role(d.pop("role"))

        updated_at = d.pop("updated_at")

        username = d.pop("username")

        def _parse_email(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        email = _parse_email(d.pop("email", UNSET))

        must_change_password = d.pop("must_change_password", UNSET)

        user_view = cls(
            created_at=created_at,
            display_name=display_name,
            id=id,
            role=role,
            updated_at=updated_at,
            username=username,
            email=email,
            must_change_password=must_change_password,
        )

        user_view.additional_properties = d
        return user_view

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
