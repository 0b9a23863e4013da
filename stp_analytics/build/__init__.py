"""How packs are built: the pack definition, the batch plan and its workers, kernels, rendering to
HTML and PDF, the manifest, executors and the build lock.
"""
