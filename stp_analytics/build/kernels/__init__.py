"""Starting each pack's Jupyter kernel: the forked fast path (``fork``) and the kernel manager and
client papermill uses (``session``). Everything that touches jupyter_client's private API is here.
"""
