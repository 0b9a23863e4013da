"""Data layer of stp-packs: readers for the files the packs are built from."""
