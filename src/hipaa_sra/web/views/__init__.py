"""The pages, one module per area; each module's `urlpatterns` is included by `web.urls`."""
