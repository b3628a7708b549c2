// Azure resources for one environment: an App Service (Linux, Node 20) running the server.
// PostgreSQL is supplied as DATABASE_URL (an Azure Database for PostgreSQL flexible server).
// Not exercised in this repository's CI (no Azure here); `teamsapp provision` deploys it.
@maxLength(20)
@minLength(4)
param resourceBaseName string
param sku string = 'B1'
param location string = resourceGroup().location
param botAadAppClientId string
@secure()
param botAadAppClientSecret string
param aadAppClientId string
param aadAppTenantId string
@secure()
param databaseUrl string

resource plan 'Microsoft.Web/serverfarms@2023-12-01' = {
  name: resourceBaseName
  location: location
  kind: 'linux'
  sku: { name: sku }
  properties: { reserved: true }
}

resource web 'Microsoft.Web/sites@2023-12-01' = {
  name: resourceBaseName
  location: location
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    siteConfig: {
      linuxFxVersion: 'NODE|20-lts'
      alwaysOn: true
      healthCheckPath: '/readyz'
      appCommandLine: 'node bot/dist/index.js' // compiled by `npm run build` in teamsapp.yml's deploy
      appSettings: [
        { name: 'TENANT', value: 'graph' }
        { name: 'AUTH', value: 'entra' }
        { name: 'PORT', value: '8080' }
        { name: 'PUBLIC_URL', value: 'https://${resourceBaseName}.azurewebsites.net' }
        { name: 'BOT_ID', value: botAadAppClientId }
        { name: 'BOT_PASSWORD', value: botAadAppClientSecret }
        { name: 'BOT_TENANT_ID', value: aadAppTenantId }
        { name: 'ENTRA_TENANT_ID', value: aadAppTenantId }
        { name: 'ENTRA_CLIENT_ID', value: aadAppClientId }
        { name: 'DATABASE_URL', value: databaseUrl }
        { name: 'PLAYGROUND', value: '0' }
      ]
    }
  }
}

output AZURE_APP_SERVICE_RESOURCE_ID string = web.id
output TAB_DOMAIN string = web.properties.defaultHostName
output TAB_ENDPOINT string = 'https://${web.properties.defaultHostName}'
