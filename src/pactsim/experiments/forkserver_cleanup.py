"""Preloaded into the local runner's fork server: remove its ``pymp-*`` folder when it exits.

multiprocessing puts the fork server's socket in a ``pymp-*`` folder of the temporary
directory that the parent process made and removes when it exits normally. A parent killed
with SIGKILL never does, and the folders pile up. The fork server outlives the parent by design
(it exits when the parent and every worker are gone), so it is the process that can clean up:
importing this module (the runner names it in ``set_forkserver_preload``) registers an exit
handler that removes the folder holding the fork server's socket.

The handler is harmless anywhere else: it does nothing in a process that has no fork-server
socket, and nothing in the process that made the folder (multiprocessing removes its own).
"""

from __future__ import annotations

import atexit
import os
import shutil


def _remove_socket_folder() -> None:
    from multiprocessing import forkserver, process

    address = getattr(getattr(forkserver, "_forkserver", None), "_forkserver_address", None)
    if not isinstance(address, str) or not address:
        return
    folder = os.path.dirname(address)
    if not os.path.basename(folder).startswith("pymp-"):
        return
    own = getattr(process.current_process(), "_config", {}).get("tempdir")
    if own is not None and os.path.abspath(own) == os.path.abspath(folder):
        return  # this process made the folder: multiprocessing removes it at exit
    shutil.rmtree(folder, ignore_errors=True)


atexit.register(_remove_socket_folder)
