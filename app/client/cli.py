"""`main.py --mode client`: the desktop client's application object, language and windows."""

from __future__ import annotations

import argparse
import sys

from PySide6.QtWidgets import QApplication

from app.client import prefs
from app.client.client_app import ClientApp
from app.client.main_window import name_the_application
from app.client.server_finder import ServerFinder
from app.client.tls import CaFileError, load_ca_file
from app.client.ui import add_icon_search_path, icon
from app.shared import i18n
from app.shared.unix_signals import ShutdownSignals


def run_client(args: argparse.Namespace) -> int:
    """Create the QApplication, install the translation, open the login window, run."""
    # "roomchat" as the program name: the window manager's WM_CLASS, not "main.py"
    app = QApplication(["roomchat"])
    try:  # after the QApplication: Qt's TLS backend needs one
        ca_certificates = load_ca_file(args.ca_file) if args.ca_file else []
    except CaFileError as problem:
        print(f"error: {problem}", file=sys.stderr)
        return 2
    app.setOrganizationName(prefs.ORGANIZATION)
    name_the_application()
    app.setQuitOnLastWindowClosed(False)
    add_icon_search_path()
    app.setWindowIcon(icon("roomchat"))
    i18n.install_translators(app, i18n.choose_language(args.lang))  # parented to `app`
    host, port = prefs.server_address(args.host, args.port)
    tls = prefs.use_tls(args.tls or bool(args.ca_file))
    client = ClientApp(host, port, tls=tls, ca_certificates=ca_certificates)
    client.quit_requested.connect(app.quit)
    app.aboutToQuit.connect(client.shutdown)
    ShutdownSignals(app.quit, app)  # Ctrl+C and SIGTERM leave rooms and log out cleanly
    finder = ServerFinder(client)  # lists the servers announced on the network
    finder.servers_changed.connect(client.login.found_servers.model.set_servers)
    app.aboutToQuit.connect(finder.stop)
    finder.start()
    client.start()
    return app.exec()
