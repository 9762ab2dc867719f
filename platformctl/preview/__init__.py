"""The offline preview: runs a Pulumi program under the SDK's mock monitor and refuses what AWS would refuse."""
