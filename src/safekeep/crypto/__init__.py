"""Cryptography for Safekeep. The only package allowed to import cryptographic primitives."""
