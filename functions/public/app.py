"""Public (no sign-in): the captcha challenge, the non-connected ticket, the signed status link.

The only function with the captcha library (image and audio): it is imported when the first challenge is
drawn, so a status-link request never pays for it.
"""

from functools import lru_cache
from typing import Any

from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext

from chorus_desk import bootstrap
from chorus_desk.api.http import create_app, prepare_event
from chorus_desk.api.routes import public
from chorus_desk.observability import logger, metrics, tracer
from chorus_desk.settings import PublicSettings, load_settings


class CaptchaLibraryArtist:
    """``CaptchaArtist`` with the ``captcha`` package: a distorted PNG image and a noisy WAV recording."""

    def __init__(self) -> None:
        from captcha.audio import AudioCaptcha
        from captcha.image import ImageCaptcha

        self._image = ImageCaptcha(width=200, height=70)
        self._audio = AudioCaptcha()

    def draw(self, text: str) -> tuple[bytes, bytes]:
        return self._image.generate(text, format="png").getvalue(), bytes(self._audio.generate(text))


@lru_cache(maxsize=1)
def artist() -> CaptchaLibraryArtist:
    """One artist per execution environment, built on first use (it loads fonts and voices)."""
    return CaptchaLibraryArtist()


app = create_app(load_settings(PublicSettings))
app.include_router(public.router)
app.dependency_overrides[bootstrap.captcha_artist] = artist


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST, clear_state=True)
@tracer.capture_lambda_handler
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(prepare_event(event), context)


bootstrap.on_snapshot(app)  # SnapStart: the clients and route models built before the snapshot
