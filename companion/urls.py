"""The companion's pages: the venue map and service points (views_map), the assistant (views_assistant)."""
from . import views_assistant, views_map

app_name = "companion"

urlpatterns = [*views_map.urlpatterns, *views_assistant.urlpatterns]
