"""The Jupyter server starts in every image from base-notebook down, and answers."""

from typing import Any

ASK_API = (
    "python -c 'import json, urllib.request; "
    'print(json.load(urllib.request.urlopen("http://127.0.0.1:8899/api"))["version"])\''
)


def test_jupyter_server_starts_and_answers(host: Any) -> None:
    host.run(
        "nohup jupyter server --no-browser --ip=127.0.0.1 --port=8899 "
        "--IdentityProvider.token='' >/tmp/server.log 2>&1 &"
    )
    try:
        answer = host.run(
            f"for i in $(seq 1 60); do {ASK_API} 2>/dev/null && break; sleep 0.5; done"
        )
        assert answer.stdout.strip().count(".") == 2, host.check_output("cat /tmp/server.log")
    finally:
        host.run("pkill -f 'jupyter.server' || pkill -f 'jupyter-server' || true")
