resource "hostup_vps_ssh_key" "deploy" {
  name       = "ci-deploy"
  public_key = file("${path.module}/keys/deploy.pub")
}

output "deploy_key_fingerprint" {
  value = hostup_vps_ssh_key.deploy.fingerprint
}
