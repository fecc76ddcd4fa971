from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="AuditEntry")


@_attrs_define
class AuditEntry:
    """One change asked of vlab.

    Attributes:
        action (str): What: e.g. `vm.create`, `vm.start`, `vm.snapshots.revert`, `auth.login`.
        at (str): When (RFC 3339).
        channel (str):
        client (str): ...from which address, through which door (`api`, `ui`, `scheduler`).
        id (int):
        result (str): `ok`, or the error code it was refused with.
        status (int): The HTTP status of the answer.
        summary (str): A few of the request's fields (names, the action), never a secret.
        via (str): ...how they proved it (`session`, `token`, `password` for a login, `scheduler`, `none`)...
        course_id (int | None | Unset): The course the target belonged to.
        role (None | str | Unset):
        target_id (int | None | Unset):
        target_kind (None | str | Unset):
        token_id (int | None | Unset):
        user_id (int | None | Unset): Who asked: the user (none for a failed login or the scheduler)...
        username (None | str | Unset):
    """

    action: str
    at: str
    channel: str
    client: str
    id: int
    result: str
    status: int
    summary: str
    via: str
    course_id: int | None | Unset = UNSET
    role: None | str | Unset = UNSET
    target_id: int | None | Unset = UNSET
    target_kind: None | str | Unset = UNSET
    token_id: int | None | Unset = UNSET
    user_id: int | None | Unset = UNSET
    username: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        action = self.action

        at = self.at

        channel = self.channel

        client = self.client

        id = self.id

        result = self.result

        status = self.status

        summary = self.summary

        via = self.via

        course_id: int | None | Unset
        if isinstance(self.course_id, Unset):
            course_id = UNSET
        else:
            course_id = self.course_id

        role: None | str | Unset
        if isinstance(self.role, Unset):
            role = UNSET
        else:
            role = self.role

        target_id: int | None | Unset
        if isinstance(self.target_id, Unset):
            target_id = UNSET
        else:
            target_id = self.target_id

        target_kind: None | str | Unset
        if isinstance(self.target_kind, Unset):
            target_kind = UNSET
        else:
            target_kind = self.target_kind

        token_id: int | None | Unset
        if isinstance(self.token_id, Unset):
            token_id = UNSET
        else:
            token_id = self.token_id

        user_id: int | None | Unset
        if isinstance(self.user_id, Unset):
            user_id = UNSET
        else:
            user_id = self.user_id

        username: None | str | Unset
        if isinstance(self.username, Unset):
            username = UNSET
        else:
            username = self.username

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "action": action,
                "at": at,
                "channel": channel,
                "client": client,
                "id": id,
                "result": result,
                "status": status,
                "summary": summary,
                "via": via,
            }
        )
        if course_id is not UNSET:
            field_dict["course_id"] = course_id
        if role is not UNSET:
            field_dict["role"] = role
        if target_id is not UNSET:
            field_dict["target_id"] = target_id
        if target_kind is not UNSET:
            field_dict["target_kind"] = target_kind
        if token_id is not UNSET:
            field_dict["token_id"] = token_id
        if user_id is not UNSET:
            field_dict["user_id"] = user_id
        if username is not UNSET:
            field_dict["username"] = username

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        action = d.pop("action")

        at = d.pop("at")

        channel = d.pop("channel")

        client = d.pop("client")

        id = d.pop("id")

        result = d.pop("result")

        status = d.pop("status")

        summary = d.pop("summary")

        via = d.pop("via")

        def _parse_course_id(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        course_id = _parse_course_id(d.pop("course_id", UNSET))

        def _parse_role(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        role = _parse_role(d.pop("role", UNSET))

        def _parse_target_id(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        target_id = _parse_target_id(d.pop("target_id", UNSET))

        def _parse_target_kind(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        target_kind = _parse_target_kind(d.pop("target_kind", UNSET))

        def _parse_token_id(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        token_id = _parse_token_id(d.pop("token_id", UNSET))

        def _parse_user_id(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        user_id = _parse_user_id(d.pop("user_id", UNSET))

        def _parse_username(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        username = _parse_username(d.pop("username", UNSET))

        audit_entry = cls(
            action=action,
            at=at,
            channel=channel,
            client=client,
            id=id,
            result=result,
            status=status,
            summary=summary,
            via=via,
            course_id=course_id,
            role=role,
            target_id=target_id,
            target_kind=target_kind,
            token_id=token_id,
            user_id=user_id,
            username=username,
        )

        audit_entry.additional_properties = d
        return audit_entry

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
