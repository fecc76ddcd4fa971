from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.console_socket_connection import ConsoleSocketConnection
from ...models.console_socket_sec_web_socket_protocol import (
    ConsoleSocketSecWebSocketProtocol,
)
from ...models.console_socket_sec_web_socket_version import (
    ConsoleSocketSecWebSocketVersion,
)
from ...models.console_socket_upgrade import ConsoleSocketUpgrade
from ...models.error_envelope import ErrorEnvelope
from ...types import UNSET, Response, Unset


def _get_kwargs(
    id: int,
    *,
    ticket: str,
    kind: str | Unset = UNSET,
    connection: ConsoleSocketConnection,
    upgrade: ConsoleSocketUpgrade,
    sec_web_socket_version: ConsoleSocketSecWebSocketVersion,
    sec_web_socket_key: str,
    sec_web_socket_protocol: ConsoleSocketSecWebSocketProtocol | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    headers["Connection"] = str(connection)

    headers["Upgrade"] = str(upgrade)

    headers["Sec-WebSocket-Version"] = str(sec_web_socket_version)

    headers["Sec-WebSocket-Key"] = sec_web_socket_key

    if not isinstance(sec_web_socket_protocol, Unset):
        headers["Sec-WebSocket-Protocol"] = str(sec_web_socket_protocol)

    params: dict[str, Any] = {}

    params["ticket"] = ticket

    params["kind"] = kind

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v1/vms/{id}/console/ws".format(
            id=quote(str(id), safe=""),
        ),
        "params": params,
    }

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Any | ErrorEnvelope | None:
    if response.status_code == 101:
        response_101 = cast(Any, None)
        return response_101

    if response.status_code == 400:
        response_400 = ErrorEnvelope.from_dict(response.json())

        return response_400

    if response.status_code == 403:
        response_403 = ErrorEnvelope.from_dict(response.json())

        return response_403

    if response.status_code == 404:
        response_404 = ErrorEnvelope.from_dict(response.json())

        return response_404

    if response.status_code == 409:
        response_409 = ErrorEnvelope.from_dict(response.json())

        return response_409

    if response.status_code == 413:
        response_413 = ErrorEnvelope.from_dict(response.json())

        return response_413

    if response.status_code == 415:
        response_415 = ErrorEnvelope.from_dict(response.json())

        return response_415

    if response.status_code == 422:
        response_422 = ErrorEnvelope.from_dict(response.json())

        return response_422

    if response.status_code == 429:
        response_429 = ErrorEnvelope.from_dict(response.json())

        return response_429

    if response.status_code == 500:
        response_500 = ErrorEnvelope.from_dict(response.json())

        return response_500

    if response.status_code == 503:
        response_503 = ErrorEnvelope.from_dict(response.json())

        return response_503

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[Any | ErrorEnvelope]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    id: int,
    *,
    client: AuthenticatedClient | Client,
    ticket: str,
    kind: str | Unset = UNSET,
    connection: ConsoleSocketConnection,
    upgrade: ConsoleSocketUpgrade,
    sec_web_socket_version: ConsoleSocketSecWebSocketVersion,
    sec_web_socket_key: str,
    sec_web_socket_protocol: ConsoleSocketSecWebSocketProtocol | Unset = UNSET,
) -> Response[Any | ErrorEnvelope]:
    """The console websocket: binary frames to and from the VM's VNC display or
    serial port. Needs a fresh ticket of this VM (and of the caller, when the
    request also carries a login); 403 otherwise.

    Args:
        id (int):
        ticket (str):
        kind (str | Unset):
        connection (ConsoleSocketConnection):
        upgrade (ConsoleSocketUpgrade):
        sec_web_socket_version (ConsoleSocketSecWebSocketVersion):
        sec_web_socket_key (str):
        sec_web_socket_protocol (ConsoleSocketSecWebSocketProtocol | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | ErrorEnvelope]
    """

    kwargs = _get_kwargs(
        id=id,
        ticket=ticket,
        kind=kind,
        connection=connection,
        upgrade=upgrade,
        sec_web_socket_version=sec_web_socket_version,
        sec_web_socket_key=sec_web_socket_key,
        sec_web_socket_protocol=sec_web_socket_protocol,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    id: int,
    *,
    client: AuthenticatedClient | Client,
    ticket: str,
    kind: str | Unset = UNSET,
    connection: ConsoleSocketConnection,
    upgrade: ConsoleSocketUpgrade,
    sec_web_socket_version: ConsoleSocketSecWebSocketVersion,
    sec_web_socket_key: str,
    sec_web_socket_protocol: ConsoleSocketSecWebSocketProtocol | Unset = UNSET,
) -> Any | ErrorEnvelope | None:
    """The console websocket: binary frames to and from the VM's VNC display or
    serial port. Needs a fresh ticket of this VM (and of the caller, when the
    request also carries a login); 403 otherwise.

    Args:
        id (int):
        ticket (str):
        kind (str | Unset):
        connection (ConsoleSocketConnection):
        upgrade (ConsoleSocketUpgrade):
        sec_web_socket_version (ConsoleSocketSecWebSocketVersion):
        sec_web_socket_key (str):
        sec_web_socket_protocol (ConsoleSocketSecWebSocketProtocol | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | ErrorEnvelope
    """

    return sync_detailed(
        id=id,
        client=client,
        ticket=ticket,
        kind=kind,
        connection=connection,
        upgrade=upgrade,
        sec_web_socket_version=sec_web_socket_version,
        sec_web_socket_key=sec_web_socket_key,
        sec_web_socket_protocol=sec_web_socket_protocol,
    ).parsed


async def asyncio_detailed(
    id: int,
    *,
    client: AuthenticatedClient | Client,
    ticket: str,
    kind: str | Unset = UNSET,
    connection: ConsoleSocketConnection,
    upgrade: ConsoleSocketUpgrade,
    sec_web_socket_version: ConsoleSocketSecWebSocketVersion,
    sec_web_socket_key: str,
    sec_web_socket_protocol: ConsoleSocketSecWebSocketProtocol | Unset = UNSET,
) -> Response[Any | ErrorEnvelope]:
    """The console websocket: binary frames to and from the VM's VNC display or
    serial port. Needs a fresh ticket of this VM (and of the caller, when the
    request also carries a login); 403 otherwise.

    Args:
        id (int):
        ticket (str):
        kind (str | Unset):
        connection (ConsoleSocketConnection):
        upgrade (ConsoleSocketUpgrade):
        sec_web_socket_version (ConsoleSocketSecWebSocketVersion):
        sec_web_socket_key (str):
        sec_web_socket_protocol (ConsoleSocketSecWebSocketProtocol | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | ErrorEnvelope]
    """

    kwargs = _get_kwargs(
        id=id,
        ticket=ticket,
        kind=kind,
        connection=connection,
        upgrade=upgrade,
        sec_web_socket_version=sec_web_socket_version,
        sec_web_socket_key=sec_web_socket_key,
        sec_web_socket_protocol=sec_web_socket_protocol,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    id: int,
    *,
    client: AuthenticatedClient | Client,
    ticket: str,
    kind: str | Unset = UNSET,
    connection: ConsoleSocketConnection,
    upgrade: ConsoleSocketUpgrade,
    sec_web_socket_version: ConsoleSocketSecWebSocketVersion,
    sec_web_socket_key: str,
    sec_web_socket_protocol: ConsoleSocketSecWebSocketProtocol | Unset = UNSET,
) -> Any | ErrorEnvelope | None:
    """The console websocket: binary frames to and from the VM's VNC display or
    serial port. Needs a fresh ticket of this VM (and of the caller, when the
    request also carries a login); 403 otherwise.

    Args:
        id (int):
        ticket (str):
        kind (str | Unset):
        connection (ConsoleSocketConnection):
        upgrade (ConsoleSocketUpgrade):
        sec_web_socket_version (ConsoleSocketSecWebSocketVersion):
        sec_web_socket_key (str):
        sec_web_socket_protocol (ConsoleSocketSecWebSocketProtocol | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | ErrorEnvelope
    """

    return (
        await asyncio_detailed(
            id=id,
            client=client,
            ticket=ticket,
            kind=kind,
            connection=connection,
            upgrade=upgrade,
            sec_web_socket_version=sec_web_socket_version,
            sec_web_socket_key=sec_web_socket_key,
            sec_web_socket_protocol=sec_web_socket_protocol,
        )
    ).parsed
