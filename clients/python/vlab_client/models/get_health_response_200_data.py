from __future__ import annotations

from collections.abc import Mapping
from typing import (
    TYPE_CHECKING,
    Any,
    Literal,
    Self,
    TypeVar,
    cast,
)

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.get_health_response_200_data_accelerator import (
        GetHealthResponse200DataAccelerator,
    )
    from ..models.get_health_response_200_data_confinement import (
        GetHealthResponse200DataConfinement,
    )
    from ..models.get_health_response_200_data_guest_network_guard import (
        GetHealthResponse200DataGuestNetworkGuard,
    )


T = TypeVar("T", bound="GetHealthResponse200Data")


@_attrs_define
class GetHealthResponse200Data:
    """
    Attributes:
        accelerator (GetHealthResponse200DataAccelerator):
        confinement (GetHealthResponse200DataConfinement):
        database (Literal['ok']):
        guest_network_guard (GetHealthResponse200DataGuestNetworkGuard):
        status (Literal['ok']):
        version (str):
    """

    accelerator: GetHealthResponse200DataAccelerator
    confinement: GetHealthResponse200DataConfinement
    database: Literal["ok"]
    guest_network_guard: GetHealthResponse200DataGuestNetworkGuard
    status: Literal["ok"]
    version: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        accelerator = self.accelerator.to_dict()

        confinement = self.confinement.to_dict()

        database = self.database

        guest_network_guard = self.guest_network_guard.to_dict()

        status = self.status

        version = self.version

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "accelerator": accelerator,
                "confinement": confinement,
                "database": database,
                "guest_network_guard": guest_network_guard,
                "status": status,
                "version": version,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.get_health_response_200_data_accelerator import (
            GetHealthResponse200DataAccelerator,
        )
        from ..models.get_health_response_200_data_confinement import (
            GetHealthResponse200DataConfinement,
        )
        from ..models.get_health_response_200_data_guest_network_guard import (
            GetHealthResponse200DataGuestNetworkGuard,
        )

        d = dict(src_dict)
        accelerator = GetHealthResponse200DataAccelerator.from_dict(
            d.pop("accelerator")
        )

        confinement = GetHealthResponse200DataConfinement.from_dict(
            d.pop("confinement")
        )

        database = cast(Literal["ok"], d.pop("database"))
        if database != "ok":
            raise ValueError(f"database must match const 'ok', got '{database}'")

        guest_network_guard = GetHealthResponse200DataGuestNetworkGuard.from_dict(
            d.pop("guest_network_guard")
        )

        status = cast(Literal["ok"], d.pop("status"))
        if status != "ok":
            raise ValueError(f"status must match const 'ok', got '{status}'")

        version = d.pop("version")

        get_health_response_200_data = cls(
            accelerator=accelerator,
            confinement=confinement,
            database=database,
            guest_network_guard=guest_network_guard,
            status=status,
            version=version,
        )

        get_health_response_200_data.additional_properties = d
        return get_health_response_200_data

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
