from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.port_forward_view_protocol import PortForwardViewProtocol

T = TypeVar("T", bound="PortForwardView")


@_attrs_define
class PortForwardView:
    """A forwarded port: host 127.0.0.1:`host_port` reaches the guest's `guest_port`.

    Attributes:
        guest_port (int):
        host_port (int):
        id (int):
        protocol (PortForwardViewProtocol): `tcp` or `udp`.
    """

    guest_port: int
    host_port: int
    id: int
    protocol: PortForwardViewProtocol
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        guest_port = self.guest_port

        host_port = self.host_port

        id = self.id

        protocol = self.protocol.value

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "guest_port": guest_port,
                "host_port": host_port,
                "id": id,
                "protocol": protocol,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        guest_port = d.pop("guest_port")

        host_port = d.pop("host_port")

        id = d.pop("id")

        protocol = PortForwardViewProtocol(d.pop("protocol"))

        port_forward_view = cls(
            guest_port=guest_port,
            host_port=host_port,
            id=id,
            protocol=protocol,
        )

        port_forward_view.additional_properties = d
        return port_forward_view

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
