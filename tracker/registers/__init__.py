"""The delivery partner's workspace: registers taken in the browser and uploads awaiting confirmation.

The views in tracker/web/registers.py and tracker/web/uploads.py are thin; the steps live here.
"""
