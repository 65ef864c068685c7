terraform {
  required_providers {
    hostup = {
      source  = "hostup/hostup"
      version = "~> 0.1"
    }
  }
  # Provider functions need Terraform 1.8 or later (OpenTofu 1.7 or later).
  required_version = ">= 1.8.0"
}

locals {
  deploy = provider::hostup::ssh_public_key(file("${path.module}/keys/deploy.pub"))
}

# Refuse weak keys at plan time, before anything reaches HostUp.
resource "hostup_vps_ssh_key" "deploy" {
  name       = "ci-deploy"
  public_key = local.deploy.normalized

  lifecycle {
    precondition {
      condition     = local.deploy.key_type != "dsa" && (local.deploy.key_type != "rsa" || local.deploy.bits >= 3072)
      error_message = "Use an ed25519, ecdsa or RSA (3072 bits or more) key."
    }
  }
}

output "deploy_key" {
  value = {
    algorithm = local.deploy.algorithm       # "ssh-ed25519"
    comment   = local.deploy.comment         # null when the key has none
    md5       = local.deploy.fingerprint_md5 # as HostUp's control panel shows it
    sha256    = local.deploy.fingerprint     # as ssh-keygen -l shows it
  }
}
