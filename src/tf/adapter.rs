//! tf-provider's `Resource` and `DataSource` traits carry private state, provider meta-data and
//! lifetimes that none of our objects use. Each object implements the smaller [`Managed`] or
//! [`Data`] trait instead, and [`Adapter`] carries Terraform's plumbing once for all of them —
//! including that each Terraform call is one API operation, which `retry_deadline` bounds whole
//! ([`operation`]).

use super::read_only::check_read_only;
use crate::api::operation;
use async_trait::async_trait;
use serde::de::DeserializeOwned;
use serde::Serialize;
use tf_provider::schema::Schema;
use tf_provider::value::{Value, ValueEmpty};
use tf_provider::{AttributePath, DataSource, Diagnostics, Resource};

/// A managed resource. `None` from a method means failure, with a diagnostic saying why.
#[async_trait]
pub trait Managed: Send + Sync {
    type State: Serialize + DeserializeOwned + Send + Sync;

    fn schema(&self) -> Schema;
    async fn validate(&self, _diags: &mut Diagnostics, _config: Self::State) {}
    /// Refresh. Returning `None` without an error removes the object from the state.
    async fn read(&self, diags: &mut Diagnostics, state: Self::State) -> Option<Self::State>;
    async fn plan_create(
        &self,
        diags: &mut Diagnostics,
        proposed: Self::State,
    ) -> Option<Self::State>;
    /// The planned state and the attributes whose change forces a replacement.
    async fn plan_update(
        &self,
        diags: &mut Diagnostics,
        prior: Self::State,
        proposed: Self::State,
    ) -> Option<(Self::State, &'static [&'static str])>;
    /// Checks before a destroy is planned (Terraform ≥ 1.3 asks; 1.0 does not).
    async fn plan_destroy(&self, _diags: &mut Diagnostics, _prior: Self::State) {}
    async fn create(&self, diags: &mut Diagnostics, planned: Self::State) -> Option<Self::State>;
    /// In-place update; by default nothing HostUp stores changes.
    async fn update(
        &self,
        _diags: &mut Diagnostics,
        _prior: Self::State,
        planned: Self::State,
    ) -> Option<Self::State> {
        Some(planned)
    }
    async fn destroy(&self, diags: &mut Diagnostics, prior: Self::State) -> Option<()>;
    async fn import(&self, diags: &mut Diagnostics, id: String) -> Option<Self::State> {
        let _ = id;
        diags.root_error_short("Import is not supported");
        None
    }
}

/// A data source.
#[async_trait]
pub trait Data: Send + Sync {
    type State: Serialize + DeserializeOwned + Send + Sync;

    fn schema(&self) -> Schema;
    async fn validate(&self, _diags: &mut Diagnostics, _config: Self::State) {}
    async fn read(&self, diags: &mut Diagnostics, config: Self::State) -> Option<Self::State>;
}

/// Serves a [`Managed`] or [`Data`] object to tf-provider.
pub struct Adapter<T>(pub T);

type Empty = ValueEmpty;

#[async_trait]
impl<T: Managed> Resource for Adapter<T> {
    type State<'a> = T::State;
    type PrivateState<'a> = Empty;
    type ProviderMetaState<'a> = Empty;

    fn schema(&self, _diags: &mut Diagnostics) -> Option<Schema> {
        Some(self.0.schema())
    }

    async fn validate<'a>(&self, diags: &mut Diagnostics, config: T::State) -> Option<()> {
        check_read_only(diags, &self.0.schema(), &config);
        self.0.validate(diags, config).await;
        Some(())
    }

    async fn read<'a>(
        &self,
        diags: &mut Diagnostics,
        state: T::State,
        private: Empty,
        _meta: Empty,
    ) -> Option<(T::State, Empty)> {
        Some((operation(self.0.read(diags, state)).await?, private))
    }

    async fn plan_create<'a>(
        &self,
        diags: &mut Diagnostics,
        proposed: T::State,
        _config: T::State,
        _meta: Empty,
    ) -> Option<(T::State, Empty)> {
        Some((
            operation(self.0.plan_create(diags, proposed)).await?,
            Value::Null,
        ))
    }

    async fn plan_update<'a>(
        &self,
        diags: &mut Diagnostics,
        prior: T::State,
        proposed: T::State,
        _config: T::State,
        private: Empty,
        _meta: Empty,
    ) -> Option<(T::State, Empty, Vec<AttributePath>)> {
        let (planned, replace) = operation(self.0.plan_update(diags, prior, proposed)).await?;
        let replace = replace.iter().copied().map(AttributePath::new).collect();
        Some((planned, private, replace))
    }

    async fn plan_destroy<'a>(
        &self,
        diags: &mut Diagnostics,
        prior: T::State,
        private: Empty,
        _meta: Empty,
    ) -> Option<Empty> {
        operation(self.0.plan_destroy(diags, prior)).await;
        Some(private)
    }

    async fn create<'a>(
        &self,
        diags: &mut Diagnostics,
        planned: T::State,
        _config: T::State,
        private: Empty,
        _meta: Empty,
    ) -> Option<(T::State, Empty)> {
        Some((operation(self.0.create(diags, planned)).await?, private))
    }

    async fn update<'a>(
        &self,
        diags: &mut Diagnostics,
        prior: T::State,
        planned: T::State,
        _config: T::State,
        private: Empty,
        _meta: Empty,
    ) -> Option<(T::State, Empty)> {
        Some((
            operation(self.0.update(diags, prior, planned)).await?,
            private,
        ))
    }

    async fn destroy<'a>(
        &self,
        diags: &mut Diagnostics,
        prior: T::State,
        _private: Empty,
        _meta: Empty,
    ) -> Option<()> {
        operation(self.0.destroy(diags, prior)).await
    }

    async fn import<'a>(&self, diags: &mut Diagnostics, id: String) -> Option<(T::State, Empty)> {
        Some((operation(self.0.import(diags, id)).await?, Value::Null))
    }
}

#[async_trait]
impl<T: Data> DataSource for Adapter<T> {
    type State<'a> = T::State;
    type ProviderMetaState<'a> = Empty;

    fn schema(&self, _diags: &mut Diagnostics) -> Option<Schema> {
        Some(self.0.schema())
    }

    async fn validate<'a>(&self, diags: &mut Diagnostics, config: T::State) -> Option<()> {
        check_read_only(diags, &self.0.schema(), &config);
        self.0.validate(diags, config).await;
        Some(())
    }

    async fn read<'a>(
        &self,
        diags: &mut Diagnostics,
        config: T::State,
        _meta: Empty,
    ) -> Option<T::State> {
        operation(self.0.read(diags, config)).await
    }
}
