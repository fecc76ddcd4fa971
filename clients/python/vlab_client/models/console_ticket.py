from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.console_ticket_kind import ConsoleTicketKind

T = TypeVar("T", bound="ConsoleTicket")


@_attrs_define
class ConsoleTicket:
    """
    Attributes:
        expires_in (int):
        kind (ConsoleTicketKind):
        ticket (str): Single use; valid for `expires_in` seconds.
        view_only (bool):
        ws_path (str): Where to open the websocket (append `ticket`).
    """

    expires_in: int
    kind: ConsoleTicketKind
    ticket: str
    view_only: bool
    ws_path: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        expires_in = self.expires_in

        kind = self.kind.value

        ticket = self.ticket

        view_only = self.view_only

        ws_path = self.ws_path

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "expires_in": expires_in,
                "kind": kind,
                "ticket": ticket,
                "view_only": view_only,
                "ws_path": ws_path,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        expires_in = d.pop("expires_in")

        kind = ConsoleTicketKind(d.pop("kind"))

        ticket = d.pop("ticket")

        view_only = d.pop("view_only")

        ws_path = d.pop("ws_path")

        console_ticket = cls(
            expires_in=expires_in,
            kind=kind,
            ticket=ticket,
            view_only=view_only,
            ws_path=ws_path,
        )

        console_ticket.additional_properties = d
        return console_ticket

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
