"""The ASGI entry point for uvicorn: `uvicorn app.asgi:app`.

A served process freezes what it holds once started (``gc.freeze``): the ~215,000 objects of the imported
modules, the app and its catalogues then never go through the cyclic collector again. Without it, each full
collection walked all of them, stopping the event loop (and every request in flight) for 40-300 ms, about
every 15 s under a stream of new amounts (each cached answer adds objects): the compare page's p99. The tests
build many apps in one process and do not import this module, so their garbage stays collectable.
"""

import gc

from litestar import Litestar

from app.main import create_app


def freeze_heap(_app: Litestar | None = None) -> None:
    """Collect, then move every object left to the collector's permanent generation (never scanned)."""
    gc.collect()
    gc.freeze()


app = create_app()
app.on_startup.append(freeze_heap)  # after the app's own start-up hooks (scheduler, courier)
