"""OpenSSH signatures: signing and verifying with `ssh-keygen -Y`, and allowed-signers files.

Below both the analysis that decides which sign-offs count and the `signoff/` package that
writes them, so neither has to import the other to check a signature.
"""
