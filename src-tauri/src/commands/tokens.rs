//! Personal access tokens and the account's sessions.

use apiq_client::{Ids, TokenRequest};
use tauri::State;
use zeroize::Zeroizing;

use super::account::{signed_in, OrForget};
use crate::dto::{NewToken, SessionView, TokenView};
use crate::error::{AppError, AppResult};
use crate::state::AppState;

fn token_view(t: apiq_client::TokenInfo) -> TokenView {
    TokenView {
        id: t.id,
        description: t.description,
        api_list: t.api_list,
        expires_at: t.expires_at,
        created: t.created,
        last_used: t.last_used,
        last4: t.last4,
    }
}

#[tauri::command]
pub async fn tokens_list(app: State<'_, AppState>) -> AppResult<Vec<TokenView>> {
    let mut acc = app.account.lock().await;
    let (c, session) = signed_in(&app, &mut acc).await?;
    c.get_tokens(&session)
        .await
        .or_forget(&mut acc)
        .map(|ts| ts.into_iter().map(token_view).collect())
}

#[tauri::command]
pub async fn token_create(
    app: State<'_, AppState>,
    password: String,
    description: String,
    methods: Vec<String>,
    expires_at: Option<String>,
) -> AppResult<NewToken> {
    let password = Zeroizing::new(password);
    if description.trim().is_empty() {
        return Err(AppError::Invalid("Describe what the token is for.".into()));
    }
    let mut acc = app.account.lock().await;
    let (c, session) = signed_in(&app, &mut acc).await?;
    let req = TokenRequest {
        description: description.trim().to_string(),
        api_list: if methods.is_empty() {
            vec!["*".into()]
        } else {
            methods
        },
        token_template: None,
        expires_at: expires_at.filter(|e| !e.trim().is_empty()),
    };
    c.create_token(&session, &password, &req)
        .await
        .or_forget(&mut acc)
        .map(|t| NewToken {
            value: t.value.expose().to_string(),
            token: token_view(t.info),
        })
}

#[tauri::command]
pub async fn token_delete(
    app: State<'_, AppState>,
    password: String,
    id: i64,
) -> AppResult<Vec<TokenView>> {
    let password = Zeroizing::new(password);
    let mut acc = app.account.lock().await;
    let (c, session) = signed_in(&app, &mut acc).await?;
    c.delete_tokens(&session, &password, &Ids::Some(vec![id]))
        .await
        .or_forget(&mut acc)?;
    c.get_tokens(&session)
        .await
        .or_forget(&mut acc)
        .map(|ts| ts.into_iter().map(token_view).collect())
}

#[tauri::command]
pub async fn sessions_list(app: State<'_, AppState>) -> AppResult<Vec<SessionView>> {
    let mut acc = app.account.lock().await;
    let (c, session) = signed_in(&app, &mut acc).await?;
    c.get_sessions(&session)
        .await
        .or_forget(&mut acc)
        .map(|ss| ss.into_iter().map(session_view).collect())
}

#[tauri::command]
pub async fn sessions_signout_others(app: State<'_, AppState>) -> AppResult<Vec<SessionView>> {
    let mut acc = app.account.lock().await;
    let (c, session) = signed_in(&app, &mut acc).await?;
    let others: Vec<i64> = c
        .get_sessions(&session)
        .await
        .or_forget(&mut acc)?
        .iter()
        .filter(|s| !s.current)
        .map(|s| s.id)
        .collect();
    if !others.is_empty() {
        c.signout_sessions(&session, &Ids::Some(others))
            .await
            .or_forget(&mut acc)?;
    }
    c.get_sessions(&session)
        .await
        .or_forget(&mut acc)
        .map(|ss| ss.into_iter().map(session_view).collect())
}

fn session_view(s: apiq_client::SessionInfo) -> SessionView {
    SessionView {
        id: s.id,
        created: s.created,
        last_used: s.last_used,
        current: s.current,
    }
}
