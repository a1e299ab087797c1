"""Answers that join the engine and the knowledge base: what ITSS obliges a team to do after a
failure, how to run a change, which standards apply to a CI of the CMDB, finding a CI."""
