# syntax=docker/dockerfile:1
# The volume-aware-scheduler image: `serve` (the extender) and `run` (the standalone scheduler), also `simulate`.
#   docker build -t ghcr.io/volume-aware-scheduler/volume-aware-scheduler:0.1.0 .
# Framework-dependent and portable: the build stage runs on the builder's platform and its output runs on every
# platform of the runtime image (docker buildx build --platform linux/amd64,linux/arm64 ...). .ci/run publishes the
# same way and runs the result, so the image's contents are tested where no container engine runs.

FROM --platform=$BUILDPLATFORM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
# nuget.config also lists a machine-local package folder used by the test projects; an empty one satisfies NuGet.
RUN mkdir -p /opt/nuget/packages
COPY global.json nuget.config Directory.Build.props Directory.Packages.props ./
COPY src/ src/
RUN dotnet publish src/VolumeAwareScheduler/VolumeAwareScheduler.csproj -c Release -o /app

# ASP.NET Core runtime, Ubuntu chiseled: no shell, no package manager, no ICU (the app uses invariant globalization).
FROM mcr.microsoft.com/dotnet/aspnet:10.0-noble-chiseled
WORKDIR /app
COPY --from=build /app .
# DOTNET_EnableDiagnostics=0: no diagnostics IPC socket, so nothing is written outside /tmp and the root filesystem
# can be mounted read-only. ASPNETCORE_HTTP_PORTS is emptied: `serve` and `run` take their addresses as arguments.
ENV DOTNET_EnableDiagnostics=0 \
    ASPNETCORE_HTTP_PORTS=
# The numeric non-root user the manifests in deploy/ run as (runAsNonRoot needs a number to verify).
USER 65532:65532
ENTRYPOINT ["dotnet", "/app/VolumeAwareScheduler.dll"]
CMD ["--help"]
