"""An external scanner (sslyze) finds the main port and a room port compliant with Mozilla's
"intermediate" TLS profile: versions, suites, curves, certificate and known weaknesses."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from sslyze import (
    CertificateInfoExtraArgument,
    ScanCommandsExtraArguments,
    Scanner,
    ServerNetworkLocation,
    ServerScanRequest,
    ServerScanResult,
)
from sslyze.mozilla_tls_profile.tls_config_checker import (
    SCAN_COMMANDS_NEEDED_BY_MOZILLA_CHECKER,
    MozillaTlsConfiguration,
    ServerNotCompliantWithTlsConfiguration,
    TlsConfigurationEnum,
    check_server_against_tls_configuration,
)

from app.server.tls import load_server_tls, make_self_signed
from tests.conftest import PASSWORD
from tests.server.test_tls import trusting
from tests.wire_client import WireClient

SCAN_TIMEOUT_MS = 110_000


def scan(qtbot, ports: list[int], ca_file: Path) -> list[ServerScanResult]:
    """Scan 127.0.0.1 on `ports` with every command the Mozilla checker needs. sslyze blocks
    and runs threads of its own, so it runs on a thread while the server's loop turns here."""
    # The test certificate is its own trust anchor: path validation uses it (with the
    # scanner's usual stores), so the certificate check is not relaxed at all.
    extra = ScanCommandsExtraArguments(
        certificate_info=CertificateInfoExtraArgument(custom_ca_file=ca_file)
    )
    requests = [
        ServerScanRequest(
            server_location=ServerNetworkLocation("localhost", port, ip_address="127.0.0.1"),
            scan_commands=SCAN_COMMANDS_NEEDED_BY_MOZILLA_CHECKER,
            scan_commands_extra_arguments=extra,
        )
        for port in ports
    ]
    results: list[ServerScanResult] = []
    failed: list[BaseException] = []

    def run() -> None:
        try:
            scanner = Scanner(per_server_concurrent_connections_limit=2)
            scanner.queue_scans(requests)
            results.extend(scanner.get_results())
        except BaseException as problem:  # reported by the test, not lost in the thread
            failed.append(problem)

    worker = threading.Thread(target=run, name="sslyze")
    worker.start()
    qtbot.waitUntil(lambda: not worker.is_alive(), timeout=SCAN_TIMEOUT_MS)
    assert not failed, failed
    return results


@pytest.mark.slow
# A certificate in the scanner's own bundled trust stores, not ours (ours has a random
# positive serial): `cryptography` warns about it, and warnings are errors here.
@pytest.mark.filterwarnings("ignore:Parsed a serial number which wasn't positive")
def test_sslyze_finds_the_main_port_and_a_room_port_mozilla_intermediate(
    qtbot, make_server, tmp_path: Path
) -> None:
    cert, key = make_self_signed(str(tmp_path), ["localhost", "127.0.0.1"])
    server = make_server(tls=load_server_tls(str(cert), str(key)))
    tls = trusting(cert)
    lobby = WireClient(qtbot, server.port, tls=tls, peer_name="localhost")
    lobby.expect("welcome")
    lobby.request("register", "registered", name="alice", password=PASSWORD)
    lobby.request("login", "logged_in", name="alice", password=PASSWORD)
    created = lobby.request("create_room", "room_created", name="Scanned", capacity=3)
    room = WireClient(qtbot, created["room"]["port"], tls=tls, peer_name="localhost")
    room.request("enter", "entered", ticket=created["ticket"])  # the room stays open

    results = scan(qtbot, [server.port, created["room"]["port"]], cert)

    profile = MozillaTlsConfiguration.get(TlsConfigurationEnum.MOZILLA_INTERMEDIATE)
    assert len(results) == 2
    for result in results:
        try:
            check_server_against_tls_configuration(result, profile)
        except ServerNotCompliantWithTlsConfiguration as problem:
            pytest.fail(f"port {result.server_location.port}: {problem.issues}")
