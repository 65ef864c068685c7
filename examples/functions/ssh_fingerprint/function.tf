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

# The fingerprint `ssh-keygen -l` prints, without creating anything or calling HostUp.
output "deploy_key_fingerprint" {
  value = provider::hostup::ssh_fingerprint(file("${path.module}/keys/deploy.pub"))
}
