from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define

from ..models.new_port_forward_protocol import NewPortForwardProtocol
from ..types import UNSET, Unset

T = TypeVar("T", bound="NewPortForward")


@_attrs_define
class NewPortForward:
    """A port forward to add. Without `host_port`, one is allocated.

    Attributes:
        guest_port (int):
        host_port (int | None | Unset):
        protocol (NewPortForwardProtocol | Unset):
    """

    guest_port: int
    host_port: int | None | Unset = UNSET
    protocol: NewPortForwardProtocol | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        guest_port = self.guest_port

        host_port: int | None | Unset
        if isinstance(self.host_port, Unset):
            host_port = UNSET
        else:
            host_port = self.host_port

        protocol: str | Unset = UNSET
        if not isinstance(self.protocol, Unset):
            protocol = self.protocol.value

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "guest_port": guest_port,
            }
        )
        if host_port is not UNSET:
            field_dict["host_port"] = host_port
        if protocol is not UNSET:
            field_dict["protocol"] = protocol

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        guest_port = d.pop("guest_port")

        def _parse_host_port(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        host_port = _parse_host_port(d.pop("host_port", UNSET))

        _protocol = d.pop("protocol", UNSET)
        protocol: NewPortForwardProtocol | Unset
        if isinstance(_protocol, Unset):
            protocol = UNSET
        else:
            protocol = NewPortForwardProtocol(_protocol)

        new_port_forward = cls(
            guest_port=guest_port,
            host_port=host_port,
            protocol=protocol,
        )

        return new_port_forward
