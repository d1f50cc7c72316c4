"""What the Rasa server process does besides Rasa: answer when the action server cannot, and forget on time.

Installed once per Rasa server process by the tracker store (bot/privacy/tracker_store.py), which Rasa builds
from endpoints.yml whenever it serves conversations, so nothing here depends on a channel or a command line.

* **Static fallbacks for custom actions.** Rasa 3.6 swallows a failed call to the action server (down,
  restarting, timing out) and answers nothing. That would leave "I need help" -> "Mexico" without a number.
  Rasa has no hook for this, so `RemoteAction.run` is wrapped: when the action server cannot be reached, the
  action is replaced by a plain response from the domain (`FALLBACK_RESPONSES`): finding help gives the
  static emergency contacts for the person's country (or asks for it), everything else the fixed text with
  the emergency numbers. A form whose action failed is closed, so the person is not left inside it.
  Rasa is pinned (3.6.21) and a test runs the real server with the action server stopped.
* **Loading a new model beside the running one.** Rasa 3.6 loads a model sent with `PUT /model` (`make publish`,
  `make rollback`) on its event loop, so for the 30-60 s it takes no conversation is answered. The loading is
  moved to a worker thread: the old model keeps answering until the new one is ready, then Rasa switches.
  Installed by the live responses (bot/nlg.py), which Rasa builds in every server process.
* **Retention.** Conversations untouched for `RETENTION` (default 30 days; "off" to disable) are deleted by
  the running server every hour, not only by a cron job someone may forget to install.
* **Lean model loading** (`install_lean_model_loading`, installed when bot/nlu/components.py is imported, i.e.
  whenever one of our models is loaded or trained). Rasa 3.6 builds each TensorFlow model (DIET, the response
  selector, TED) by *training it on one example* before loading the trained weights over it: that allocates the
  optimizer's state (twice the size of the weights) and traces a training graph with gradients, neither of which
  prediction ever uses. Here the variables are built by computing the loss once, eagerly, with no gradients and
  no optimizer step; then the same weights are loaded and the same prediction graph is traced. Predictions are
  bit-for-bit the same (tests/test_lean_model_loading.py); the Rasa server needs about 650 MB less and starts
  faster (docs/performance.md). Fine-tuning (`rasa train --finetune`) keeps Rasa's own loading, which needs
  the optimizer. `BOT_LEAN_MODEL_LOAD=0` switches it off.
* **Models saved without the optimizer's state** (`install_slim_model_saving`, installed beside the lean loading).
  Rasa saves each TensorFlow model with Adam's two moment tensors per weight: two thirds of every checkpoint, read
  by nothing but a later `rasa train --finetune`. Only the weights are saved, so each checkpoint is a third of its
  size (the model about half) and the answers the same (the lean loading never reads that state). Fine-tuning
  such a model starts Adam's moments afresh, as a new training does. `BOT_SLIM_MODEL_SAVE=0` keeps them.
"""

from __future__ import annotations

import logging
import os
import threading
from typing import Any

logger = logging.getLogger(__name__)

RETENTION_ENV = "RETENTION"
DEFAULT_RETENTION = "30d"
RETENTION_EVERY_S = 3600.0
# Which plain response stands in for a custom action when the action server cannot be reached.
FALLBACK_RESPONSES = {"action_find_help": "utter_emergency_contacts"}
DEFAULT_FALLBACK = "utter_service_unavailable"
FORM_ACTIONS = {"validate_job_offer_form", "action_read_job_offer", "action_job_offer_verdict"}

_installed = False
_lean_installed = False
_lock = threading.Lock()
LEAN_LOAD_ENV = "BOT_LEAN_MODEL_LOAD"
SLIM_SAVE_ENV = "BOT_SLIM_MODEL_SAVE"
_slim_installed = False


def install_action_fallbacks() -> None:
    """Wraps RemoteAction.run once per process (see the module docstring)."""
    global _installed
    with _lock:
        if _installed:
            return
        from rasa.core.actions.action import ActionBotResponse, ActionExecutionRejection, RemoteAction
        from rasa.shared.core.events import ActiveLoop, SlotSet
        from rasa.shared.exceptions import RasaException

        original = RemoteAction.run

        async def run_with_fallback(self: RemoteAction, output_channel, nlg, tracker, domain) -> list[Any]:
            try:
                return await original(self, output_channel, nlg, tracker, domain)
            except ActionExecutionRejection:
                raise  # the action server answered: a form rejecting a value is normal behaviour
            except RasaException as error:
                response = FALLBACK_RESPONSES.get(self.name(), DEFAULT_FALLBACK)
                logger.warning("action server unavailable for %s (%s): answering with %s",
                               self.name(), type(error.__cause__ or error).__name__, response)  # fmt: skip
                events = await ActionBotResponse(response).run(output_channel, nlg, tracker, domain)
                if self.name() in FORM_ACTIONS and tracker.active_loop_name:
                    events = [ActiveLoop(None), SlotSet("requested_slot", None), *events]
                return events

        RemoteAction.run = run_with_fallback
        _installed = True


_background_loading = False


def install_background_model_loading() -> None:
    """Makes `PUT /model` load the new model in a worker thread (see the module docstring). Once per process."""
    global _background_loading
    with _lock:
        if _background_loading:
            return
        import asyncio

        import rasa.server

        original = rasa.server._load_agent

        async def load_beside_the_running_model(*args: Any, **kwargs: Any) -> Any:
            loop = asyncio.get_running_loop()
            return await loop.run_in_executor(None, lambda: asyncio.run(original(*args, **kwargs)))

        rasa.server._load_agent = load_beside_the_running_model
        _background_loading = True


def retention_seconds(value: str | None = None) -> float | None:
    """Seconds to keep a conversation after its last message, from RETENTION ("30d", "12h"); None = keep."""
    from bot.privacy.cli import parse_duration

    text = (value if value is not None else os.environ.get(RETENTION_ENV, DEFAULT_RETENTION)).strip().lower()
    if text in {"off", "none", "0", "never"}:
        return None
    return parse_duration(text)


def start_retention(store: Any, every: float = RETENTION_EVERY_S) -> threading.Thread | None:
    """Purges old conversations from `store` now and then every `every` seconds, in a daemon thread."""
    try:
        seconds = retention_seconds()
    except Exception as error:  # noqa: BLE001 - a typo must not switch retention off (nor stop the store)
        logger.error("RETENTION is not a duration like 30d or 12h (%s); using %s", error, DEFAULT_RETENTION)
        seconds = retention_seconds(DEFAULT_RETENTION)
    if seconds is None:
        logger.warning("RETENTION is off: conversations are kept until someone asks to be forgotten")
        return None
    stop = threading.Event()

    def loop() -> None:
        while True:
            try:
                removed = store.purge_older_than(seconds)
                if removed:
                    logger.info("retention: deleted %d conversation(s) older than the limit", removed)
            except Exception as error:  # noqa: BLE001 - try again next round; never stop the server
                logger.warning("retention purge failed (%s)", type(error).__name__)
            if stop.wait(every):
                return

    thread = threading.Thread(target=loop, name="retention", daemon=True)
    thread.stop = stop  # type: ignore[attr-defined]
    thread.start()
    return thread


def _switched_on(variable: str) -> bool:
    return os.environ.get(variable, "1").strip().lower() not in {"0", "off", "false", "no"}


def lean_model_loading_enabled() -> bool:
    return _switched_on(LEAN_LOAD_ENV)


def install_slim_model_saving() -> bool:
    """Makes RasaModel.save leave out the optimizer's state, once per process (module docstring); True if so."""
    global _slim_installed
    with _lock:
        if _slim_installed:
            return True
        if not _switched_on(SLIM_SAVE_ENV):
            return False
        from rasa.utils.tensorflow.models import RasaModel

        rasa_save = RasaModel.save

        def slim_save(self, model_file_name: str, overwrite: bool = True) -> None:
            children = self._trackable_children

            def without_optimizer(save_type: str = "checkpoint", **kwargs: Any) -> dict[str, Any]:
                found = dict(children(save_type, **kwargs))
                found.pop("optimizer", None)  # Keras tracks the compiled optimizer (and its slots) under this name
                return found

            self._trackable_children = without_optimizer  # only while this model is written
            try:
                rasa_save(self, model_file_name, overwrite)
            finally:
                del self._trackable_children

        RasaModel.save = slim_save
        _slim_installed = True
        return True


def install_lean_model_loading() -> bool:
    """Replaces RasaModel.load once per process (see the module docstring); True if it is installed."""
    global _lean_installed
    with _lock:
        if _lean_installed:
            return True
        if not lean_model_loading_enabled():
            return False
        import tensorflow as tf
        from rasa.utils.tensorflow.constants import LEARNING_RATE, RUN_EAGERLY
        from rasa.utils.tensorflow.data_generator import RasaBatchDataGenerator
        from rasa.utils.tensorflow.models import RasaModel

        rasa_load = RasaModel.load.__func__

        def lean_load(
            cls,
            model_file_name,
            model_data_example,
            predict_data_example=None,
            finetune_mode: bool = False,
            *args: Any,
            **kwargs: Any,
        ):
            if finetune_mode or predict_data_example is None:
                return rasa_load(cls, model_file_name, model_data_example, predict_data_example, finetune_mode,
                                 *args, **kwargs)  # fmt: skip
            model = cls(*args, **kwargs)
            config = kwargs.get("config", {})
            # As Rasa does (compiling creates the optimizer object, not its state, and sets run_eagerly).
            model.compile(
                optimizer=tf.keras.optimizers.Adam(config.get(LEARNING_RATE, 0.001)),
                run_eagerly=config.get(RUN_EAGERLY),
            )
            # Rasa calls model.fit on one example here. The loss alone creates the same variables: every layer
            # the training step uses is called by it.
            batch_in = RasaBatchDataGenerator(model_data_example, batch_size=1)[0][0]
            model._training = True
            try:
                model.batch_loss(batch_in)
            finally:
                model._training = None
            # The optimizer's values in the file are left unread, on purpose (no warning about them).
            model.load_weights(model_file_name).expect_partial()
            # As Rasa does: predict once so the prediction graph is traced before the first message.
            model.run_inference(predict_data_example)
            return model

        RasaModel.load = classmethod(lean_load)
        _lean_installed = True
        return True
